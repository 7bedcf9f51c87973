import { describe, expect, it } from 'vitest';
import { Actor, actorKey, actorLabel, actorOf, PHASEBOARD, sameActor } from './actor';

const alice: Actor = { kind: 'user', id: 'u-alice', name: 'alice' };

describe('actors', () => {
  it('are who a principal is, without its role', () => {
    expect(actorOf({ kind: 'user', id: 'u-alice', name: 'alice', role: 'admin' })).toEqual(alice);
    expect(actorOf({ kind: 'token', id: 't-1', name: 'ci', role: 'viewer' })).toEqual({ kind: 'token', id: 't-1', name: 'ci' });
    expect(actorOf({ kind: 'proxy', name: 'carol', role: 'operator' })).toEqual({ kind: 'proxy', name: 'carol' });
  });

  it('are the same by kind and id, never by name alone', () => {
    expect(sameActor(alice, { kind: 'user', id: 'u-alice', name: 'Alice A.' })).toBe(true);
    expect(sameActor(alice, { kind: 'user', id: 'u-other', name: 'alice' })).toBe(false);
    expect(sameActor(alice, { kind: 'proxy', name: 'alice' })).toBe(false);
    expect(sameActor(alice, { kind: 'token', id: 'u-alice', name: 'alice' })).toBe(false);
    expect(sameActor({ kind: 'proxy', name: 'alice' }, { kind: 'proxy', name: 'alice' })).toBe(true);
    expect(sameActor(PHASEBOARD, { kind: 'phaseboard' })).toBe(true);
  });

  it('a user named "phaseboard" or "token:x" is not phaseboard or the token x', () => {
    const namedPhaseboard: Actor = { kind: 'user', id: 'phaseboard', name: 'phaseboard' };
    const namedToken: Actor = { kind: 'user', id: 'token:x', name: 'token:x' };
    const tokenX: Actor = { kind: 'token', id: 'x', name: 'x' };
    expect(sameActor(namedPhaseboard, PHASEBOARD)).toBe(false);
    expect(sameActor(namedToken, tokenX)).toBe(false);
    const keys = [namedPhaseboard, PHASEBOARD, namedToken, tokenX, { kind: 'proxy', name: 'x' } as const].map(actorKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(['user:phaseboard', 'phaseboard', 'user:token:x', 'token:x', 'proxy:x']);
  });

  it('read as people say them', () => {
    expect(actorLabel(alice)).toBe('alice');
    expect(actorLabel({ kind: 'token', id: 't-1', name: 'alice' })).toBe('token alice');
    expect(actorLabel({ kind: 'proxy', name: 'alice' })).toBe('alice (via proxy)');
    expect(actorLabel(PHASEBOARD)).toBe('phaseboard');
  });

  it('are values, not strings, in JSON', () => {
    expect(Actor.safeParse('alice').success).toBe(false);
    expect(Actor.safeParse('phaseboard').success).toBe(false);
    expect(Actor.parse(JSON.parse(JSON.stringify({ kind: 'proxy', name: 'carol' })))).toEqual({ kind: 'proxy', name: 'carol' });
  });
});
