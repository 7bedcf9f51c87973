import type { Operation } from '@/lib/model/operation';
import type { RuleContext } from '@/lib/triage/rule';

export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const at = (ms: number) => new Date(T0 + ms).toISOString();

/** An operation as the store would hold it; override what the test is about. */
export function operation(over: Partial<Operation> = {}): Operation {
  return {
    id: 'c1:t1',
    connectionId: 'c1',
    engine: 'ovirt',
    nativeId: 't1',
    kind: 'image_transfer',
    subject: { type: 'disk', id: 'd1', name: 'vm01-disk' },
    nativePhase: 'transferring',
    state: 'running',
    progress: { unit: 'bytes', done: 100, total: 1000, rate: null, etaSeconds: null, stalled: null },
    details: { direction: 'upload', diskId: 'd1', diskStatus: 'locked', host: 'host1', inactivityTimeout: 60 },
    related: [],
    startedAt: at(0),
    phaseChangedAt: at(0),
    progressAt: at(0),
    endedAt: null,
    gone: false,
    outcome: null,
    actions: [],
    needsYou: null,
    pipeline: [],
    attempt: 1,
    attemptOf: null,
    version: 1,
    ...over,
  };
}

/** A rule context at `nowMs` after T0 with a healthy connection. */
export function ruleContext(nowMs: number, over: Partial<RuleContext> = {}): RuleContext {
  return {
    now: T0 + nowMs,
    engine: 'ovirt',
    connection: { id: 'c1', engine: 'ovirt', status: 'ok', lastSuccessAt: at(nowMs), lastError: null, consecutiveFailures: 0 },
    live: [],
    recentlyEnded: [],
    recentRuns: [],
    expectedPhase: () => ({ ms: 120_000, source: 'default' }),
    stallAfterS: 60,
    ...over,
  };
}
