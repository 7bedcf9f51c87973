import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '@/lib/store/types';
import { healthProblems } from './engines';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const conn = (id: string, status: ConnectionStatus['status'], lastError: string | null = null): ConnectionStatus => ({
  id,
  engine: 'ovirt',
  status,
  lastSuccessAt: null,
  lastError,
  consecutiveFailures: 0,
});
const ok = { ok: true, lastError: null, failingSince: null };

describe('health', () => {
  it('is ok with a writable store and answering engines; an engine may be starting for a minute', () => {
    expect(healthProblems({ store: ok, statuses: [conn('a', 'ok'), conn('b', 'starting')], startedAt: new Date(T0).toISOString(), now: T0 + 30_000 })).toEqual(
      [],
    );
  });

  it('says degraded, and why, for a failing store, a failing engine, and an engine that never answered', () => {
    const problems = healthProblems({
      store: { ok: false, lastError: 'disk I/O error', failingSince: '2026-01-01T00:01:00Z' },
      statuses: [conn('a', 'degraded', 'cannot reach engine: ECONNREFUSED'), conn('b', 'starting')],
      startedAt: new Date(T0).toISOString(),
      now: T0 + 120_000,
    });
    expect(problems).toEqual([
      'the store cannot commit since 2026-01-01T00:01:00Z: disk I/O error',
      'engine a is failing: cannot reach engine: ECONNREFUSED',
      'engine b has not answered since phaseboard started',
    ]);
  });
});
