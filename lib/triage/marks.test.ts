import { describe, expect, it } from 'vitest';
import type { Finding } from '@/lib/model/finding';
import { applyMark, isSnoozed } from './marks';

const T = Date.parse('2026-01-01T00:00:00Z');
const finding: Finding = {
  id: 'f1',
  ruleId: 'ovirt.paused-system',
  key: 'ovirt.paused-system:c1:t1',
  severity: 'warning',
  title: 'paused',
  explanation: '',
  cause: '',
  since: new Date(T).toISOString(),
  connectionId: 'c1',
  operationId: 'c1:t1',
  subjectName: 'vm01-disk',
  evidence: [],
  remedies: [],
  supersedes: [],
  status: 'open',
  firstSeenAt: new Date(T).toISOString(),
  lastSeenAt: new Date(T).toISOString(),
  claim: null,
  acknowledged: null,
  snoozedUntil: null,
  resolvedAt: null,
  resolution: null,
};

describe('finding marks', () => {
  it('a claim keeps others off until released, and says whose it is', () => {
    const { finding: claimed, note } = applyMark(finding, 'claim', { note: 'on it' }, 'alice', T);
    expect(claimed.claim).toEqual({ by: 'alice', at: new Date(T).toISOString(), note: 'on it' });
    expect(note).toMatchObject({ kind: 'claimed', by: 'alice', text: 'on it' });
    expect(() => applyMark(claimed, 'claim', { note: '' }, 'bob', T)).toThrow('already claimed by alice at 2026-01-01T00:00:00.000Z: on it');
    expect(applyMark(claimed, 'claim', { note: 'still me' }, 'alice', T).finding.claim?.note).toBe('still me');
    // Only alice, or an admin, lets go of alice's claim.
    expect(() => applyMark(claimed, 'release', { note: '' }, 'bob', T)).toThrow(
      'claimed by alice at 2026-01-01T00:00:00.000Z; only alice or an admin can release it',
    );
    expect(applyMark(claimed, 'release', { note: '' }, 'alice', T).finding.claim).toBeNull();
    const released = applyMark(claimed, 'release', { note: '' }, 'root', T, true);
    expect(released.finding.claim).toBeNull();
    expect(released.note.text).toBe("released alice's claim");
  });

  it('snooze hides a finding until its time', () => {
    const { finding: snoozed } = applyMark(finding, 'snooze', { minutes: 15, note: 'maintenance window' }, 'alice', T);
    expect(isSnoozed(snoozed, T + 14 * 60_000)).toBe(true);
    expect(isSnoozed(snoozed, T + 15 * 60_000)).toBe(false);
  });

  it('resolving by hand records who and how; afterwards only notes are taken', () => {
    const { finding: done } = applyMark(finding, 'resolve', { note: 'disk re-uploaded' }, 'alice', T);
    expect(done).toMatchObject({ status: 'resolved', resolution: 'marked resolved by alice: disk re-uploaded' });
    expect(() => applyMark(done, 'claim', { note: '' }, 'bob', T)).toThrow(
      /the finding is resolved \(marked resolved by alice: disk re-uploaded\); only notes can be added/,
    );
    expect(applyMark(done, 'note', { note: 'verified checksum' }, 'bob', T).note.kind).toBe('note');
  });
});
