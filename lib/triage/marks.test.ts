import { describe, expect, it } from 'vitest';
import { PHASEBOARD, type Actor } from '@/lib/model/actor';
import { finding as findingOf } from '@/lib/testing/findings';
import { applyMark, isSnoozed } from './marks';

const T = Date.parse('2026-01-01T00:00:00Z');
const alice: Actor = { kind: 'user', id: 'u-alice', name: 'alice' };
const bob: Actor = { kind: 'user', id: 'u-bob', name: 'bob' };
const root: Actor = { kind: 'user', id: 'u-root', name: 'root' };
const finding = findingOf();

describe('finding marks', () => {
  it('a claim keeps others off until released, and says whose it is', () => {
    const { finding: claimed, note } = applyMark(finding, 'claim', { note: 'on it' }, alice, T);
    expect(claimed.claim).toEqual({ by: alice, at: new Date(T).toISOString(), note: 'on it' });
    expect(note).toMatchObject({ kind: 'claimed', by: alice, text: 'on it' });
    expect(() => applyMark(claimed, 'claim', { note: '' }, bob, T)).toThrow('already claimed by alice at 2026-01-01T00:00:00.000Z: on it');
    expect(applyMark(claimed, 'claim', { note: 'still me' }, alice, T).finding.claim?.note).toBe('still me');
    // Only alice, or an admin, lets go of alice's claim.
    expect(() => applyMark(claimed, 'release', { note: '' }, bob, T)).toThrow(
      'claimed by alice at 2026-01-01T00:00:00.000Z; only alice or an admin can release it',
    );
    expect(applyMark(claimed, 'release', { note: '' }, alice, T).finding.claim).toBeNull();
    const released = applyMark(claimed, 'release', { note: '' }, root, T, true);
    expect(released.finding.claim).toBeNull();
    expect(released.note.text).toBe("released alice's claim");
  });

  it('snooze hides a finding until its time', () => {
    const { finding: snoozed } = applyMark(finding, 'snooze', { minutes: 15, note: 'maintenance window' }, alice, T);
    expect(isSnoozed(snoozed, T + 14 * 60_000)).toBe(true);
    expect(isSnoozed(snoozed, T + 15 * 60_000)).toBe(false);
  });

  it('resolving by hand records who and how; afterwards only notes are taken', () => {
    const { finding: done } = applyMark(finding, 'resolve', { note: 'disk re-uploaded' }, alice, T);
    expect(done).toMatchObject({
      status: 'resolved',
      resolution: 'marked resolved by alice: disk re-uploaded',
      resolvedBy: { kind: 'person', actor: alice, note: 'disk re-uploaded' },
    });
    expect(() => applyMark(done, 'claim', { note: '' }, bob, T)).toThrow(
      /the finding is resolved \(marked resolved by alice: disk re-uploaded\); only notes can be added/,
    );
    expect(applyMark(done, 'note', { note: 'verified checksum' }, bob, T).note.kind).toBe('note');
  });

  it("a claim is held by an actor, not a name: a proxy-named alice cannot release password-user alice's claim", () => {
    const { finding: claimed } = applyMark(finding, 'claim', { note: '' }, alice, T);
    const viaProxy: Actor = { kind: 'proxy', name: 'alice' };
    expect(() => applyMark(claimed, 'claim', { note: '' }, viaProxy, T)).toThrow(/^already claimed by alice at /);
    expect(() => applyMark(claimed, 'release', { note: '' }, viaProxy, T)).toThrow(
      'claimed by alice at 2026-01-01T00:00:00.000Z; only alice or an admin can release it',
    );
    // Another session of the same user (same id, even under a new display name) is alice.
    expect(applyMark(claimed, 'release', { note: '' }, { kind: 'user', id: 'u-alice', name: 'alice.renamed' }, T).finding.claim).toBeNull();
    // The proxy's alice holds her own claim, labelled as such, and password-user alice cannot release it either.
    const { finding: proxied } = applyMark(finding, 'claim', { note: '' }, viaProxy, T);
    expect(() => applyMark(proxied, 'release', { note: '' }, alice, T)).toThrow(/only alice \(via proxy\) or an admin can release it/);
    // An admin may.
    expect(applyMark(proxied, 'release', { note: '' }, root, T, true).note.text).toBe("released alice (via proxy)'s claim");
  });

  it('users named "token:x" or "phaseboard" are neither a token nor phaseboard', () => {
    const tokenX: Actor = { kind: 'token', id: 't-1', name: 'x' };
    const namedLikeToken: Actor = { kind: 'user', id: 'u-2', name: 'token:x' };
    const namedPhaseboard: Actor = { kind: 'user', id: 'u-3', name: 'phaseboard' };
    const { finding: byToken } = applyMark(finding, 'claim', { note: '' }, tokenX, T);
    expect(() => applyMark(byToken, 'release', { note: '' }, namedLikeToken, T)).toThrow(/only token x or an admin/);
    const { finding: byPhaseboard } = applyMark(finding, 'claim', { note: '' }, PHASEBOARD, T);
    expect(() => applyMark(byPhaseboard, 'claim', { note: '' }, namedPhaseboard, T)).toThrow(/^already claimed by phaseboard at /);
    expect(() => applyMark(byPhaseboard, 'release', { note: '' }, namedPhaseboard, T)).toThrow(/only phaseboard or an admin/);
  });
});
