import { describe, expect, it } from 'vitest';
import { at, operation, ruleContext } from '@/lib/testing/operations';
import { actionFailedRule, connectionDegradedRule, noProgressRule, phaseOverdueRule } from './generic-rules';

describe('generic triage rules', () => {
  it('no-progress fires after stallAfterS without movement, critical at five times that', () => {
    const op = operation({ progressAt: at(10_000) });
    expect(noProgressRule.evaluate(ruleContext(69_000, { live: [op] }))).toEqual([]);
    const [warn] = noProgressRule.evaluate(ruleContext(71_000, { live: [op] }));
    expect(warn).toMatchObject({
      severity: 'warning',
      title: 'No progress while transferring',
      explanation: 'The image transfer is transferring but has not moved for 1m 01s (since 2026-01-01T00:00:10.000Z).',
      since: at(10_000),
      operationId: 'c1:t1',
    });
    expect(noProgressRule.evaluate(ruleContext(311_000, { live: [op] }))[0]?.severity).toBe('critical');
  });

  it('no-progress ignores paused, complete and just-resumed operations', () => {
    const ctx = (o: Parameters<typeof operation>[0]) => ruleContext(200_000, { live: [operation(o)] });
    expect(noProgressRule.evaluate(ctx({ state: 'paused', nativePhase: 'paused_user' }))).toEqual([]);
    expect(noProgressRule.evaluate(ctx({ progress: { unit: 'bytes', done: 1000, total: 1000, rate: null, etaSeconds: null, stalled: null } }))).toEqual([]);
    expect(noProgressRule.evaluate(ctx({ phaseChangedAt: at(190_000) }))).toEqual([]);
  });

  it('phase-overdue compares the time in phase with the expected time and names its source', () => {
    const op = operation({ nativePhase: 'finalizing_success', state: 'finalizing', phaseChangedAt: at(0) });
    const expected = () => ({ ms: 30_000, source: 'history' as const });
    expect(phaseOverdueRule.evaluate(ruleContext(29_000, { live: [op], expectedPhase: expected }))).toEqual([]);
    const [f] = phaseOverdueRule.evaluate(ruleContext(40_000, { live: [op], expectedPhase: expected }));
    expect(f).toMatchObject({ severity: 'warning', title: 'finalizing_success longer than expected (30.0 s)', since: at(30_000) });
    expect(f?.evidence).toContainEqual(expect.objectContaining({ value: '30.0 s (learned from history)' }));
    expect(phaseOverdueRule.evaluate(ruleContext(100_000, { live: [op], expectedPhase: expected }))[0]?.severity).toBe('critical');
    // a transfer moving data is the stall rule's business
    expect(phaseOverdueRule.evaluate(ruleContext(999_000, { live: [operation()], expectedPhase: expected }))).toEqual([]);
  });

  it('connection-degraded reports the engine error and offers a connection test', () => {
    const ctx = ruleContext(0, {
      connection: {
        id: 'c1',
        engine: 'ovirt',
        status: 'degraded',
        lastSuccessAt: at(-60_000),
        lastError: 'cannot reach e:443: ECONNREFUSED',
        consecutiveFailures: 3,
      },
    });
    const [f] = connectionDegradedRule.evaluate(ctx);
    expect(f).toMatchObject({ severity: 'critical', cause: 'cannot reach e:443: ECONNREFUSED', since: at(-60_000), operationId: null });
    expect(f?.remedies[0]?.playbookId).toBe('connection.check');
    expect(connectionDegradedRule.evaluate(ruleContext(0))).toEqual([]);
  });

  it('action-failed holds until a later run of the same action succeeds', () => {
    const op = operation();
    const run = (id: string, status: 'failed' | 'succeeded', ms: number) => ({
      id,
      operationId: op.id,
      action: 'finalize' as const,
      idempotencyKey: null,
      requestHash: '',
      actor: { kind: 'user' as const, id: 'u-alice', name: 'alice' },
      playbook: null,
      params: {},
      status,
      requestedAt: at(ms),
      finishedAt: at(ms + 1000),
      message: status === 'failed' ? 'transfer t1 has failed' : 'finalized in 5.0 s',
    });
    const failed = run('r1', 'failed', 0);
    const [f] = actionFailedRule.evaluate(ruleContext(5000, { live: [op], recentRuns: [failed] }));
    expect(f).toMatchObject({ key: 'action-failed:r1', title: 'finalize failed on vm01-disk', cause: 'transfer t1 has failed' });
    expect(f?.explanation).toMatch(/^alice asked to finalize at /);
    expect(actionFailedRule.evaluate(ruleContext(9000, { live: [op], recentRuns: [failed, run('r2', 'succeeded', 5000)] }))).toEqual([]);
  });
});
