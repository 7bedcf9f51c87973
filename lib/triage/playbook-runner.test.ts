import { afterEach, describe, expect, it } from 'vitest';
import { finding as findingOf } from '@/lib/testing/findings';
import { requestAction } from '@/lib/actions/request-action';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { Collector } from '@/lib/collector/collector';
import { createOvirtAdapter } from '@/lib/engines/ovirt';
import { logger } from '@/lib/log/logger';
import { actorLabel, type Actor } from '@/lib/model/actor';
import type { Finding } from '@/lib/model/finding';
import { OvirtSimServer } from '@/lib/engines/ovirt/sim/server';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import { tempDir } from '@/lib/testing/temp-dir';
import { TriageEvaluator } from './evaluator';
import { GENERIC_PLAYBOOKS } from './generic-playbooks';
import type { Playbook } from './playbook';
import type { EngineAdapter } from '@/lib/engines/types';
import type { PlaybookRun } from '@/lib/model/playbook-run';
import { creditFix, playbookDryRun, startPlaybook, type RunnerDeps } from './playbook-runner';

const alice: Actor = { kind: 'user', id: 'u-alice', name: 'alice' };

describe('playbook runner, on an engine outage', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(playbooks: readonly Playbook<EngineAdapter>[] = GENERIC_PLAYBOOKS) {
    const sim = new OvirtSimServer({ username: 'u', password: 'p' });
    const url = await sim.start();
    const store = openSqliteStore(tempDir());
    const bus = createMemoryBus();
    const evaluator = new TriageEvaluator({ store, bus, log: logger, rulesFor: () => [] });
    const adapter = createOvirtAdapter({ url, username: 'u', password: 'p', log: logger, timeoutMs: 2000 });
    const collector = new Collector([{ id: 'lab', engine: 'ovirt', adapter, fastMs: 1000, slowMs: 10_000 }], {
      store,
      bus,
      log: logger,
      onCycle: evaluator.onCycle,
    });
    cleanups.push(
      () => sim.stop(),
      () => store.close(),
    );
    const poll = async () => {
      await collector.connection('lab').poller.pollOnce();
      await evaluator.idle();
    };
    const deps: RunnerDeps = {
      store,
      bus,
      collector,
      log: logger,
      playbooksFor: () => playbooks,
      evaluateNow: poll,
      requestAction: (input) => requestAction({ store, collector, log: logger }, input),
    };
    const finished = async (id: string): Promise<PlaybookRun> => {
      for (let i = 0; i < 100; i++) {
        const run = await store.getPlaybookRun(id);
        if (run && run.status !== 'running') return run;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('the run did not finish');
    };
    return { sim, store, bus, evaluator, poll, deps, finished };
  }

  it('flags a failing connection; the check fails while the engine is down and clears once it is back', async () => {
    const { sim, store, poll, deps, finished } = await setup();
    await poll();
    sim.startOutage(60);
    for (let i = 0; i < 3; i++) await poll();
    const [finding] = (await store.listFindings({ status: 'open', limit: 10, offset: 0 })).items;
    expect(finding).toMatchObject({ ruleId: 'connection-degraded', severity: 'critical', connectionId: 'lab' });
    expect(finding?.cause).toMatch(/503|Service Unavailable/);

    const plan = await playbookDryRun(deps, finding!.id, 'connection.check');
    expect(plan.steps).toEqual([expect.objectContaining({ title: 'List operations on lab', changes: [], manual: false })]);
    await expect(startPlaybook(deps, { findingId: finding!.id, playbookId: 'ovirt.resume-transfer', actor: alice })).rejects.toThrow(
      /no playbook "ovirt.resume-transfer"/,
    );

    const down = await finished((await startPlaybook(deps, { findingId: finding!.id, playbookId: 'connection.check', actor: alice })).id);
    expect(down.status).toBe('failed');
    expect(down.message).toMatch(/^step 1 \(List operations on lab\) failed: .*Service Unavailable/);
    expect((await store.getFinding(finding!.id))?.status).toBe('open');

    sim.startOutage(0);
    const up = await finished((await startPlaybook(deps, { findingId: finding!.id, playbookId: 'connection.check', actor: alice })).id);
    expect(up).toMatchObject({ status: 'succeeded', actor: alice });
    expect(up.steps[0]?.state.message).toBe('the engine answered: 0 operation(s) listed');
    const after = await store.getFinding(finding!.id);
    // A read-only check does not claim the fix: the engine came back by itself.
    expect(after).toMatchObject({
      status: 'resolved',
      resolution: 'condition cleared while playbook "Test the connection now" (run by alice) was running: the engine answers again',
      resolvedBy: { kind: 'condition_cleared', duringRunId: up.id },
    });
    const journal = (await store.findingNotes(finding!.id)).map((n) => `${actorLabel(n.by)} ${n.kind}`);
    expect(journal).toEqual(['phaseboard opened', 'alice playbook', 'alice playbook', 'alice playbook', 'phaseboard resolved', 'alice playbook']);
  });

  it("says a failing step's own words (never a bare internal error), whether its check or its run throws", async () => {
    const throwing = (where: 'check' | 'run'): Playbook<EngineAdapter> => ({
      ...GENERIC_PLAYBOOKS[0]!,
      plan: (f, op) =>
        GENERIC_PLAYBOOKS[0]!.plan(f, op).map((step) => ({
          ...step,
          ...(where === 'check'
            ? { check: async () => Promise.reject(new Error('ssh: connect to engine-host port 22: Connection refused')) }
            : { run: async () => Promise.reject(new Error('ssh: connect to engine-host port 22: Connection refused')) }),
        })),
    });
    for (const where of ['check', 'run'] as const) {
      const { sim, store, poll, deps, finished } = await setup([throwing(where)]);
      await poll();
      sim.startOutage(60);
      for (let i = 0; i < 3; i++) await poll();
      const [finding] = (await store.listFindings({ status: 'open', limit: 10, offset: 0 })).items;
      const run = await finished((await startPlaybook(deps, { findingId: finding!.id, playbookId: 'connection.check', actor: alice })).id);
      expect(run.status).toBe('failed');
      expect(run.steps[0]!.state.message).toMatch(/ssh: connect to engine-host port 22: Connection refused/);
      expect(run.message).not.toMatch(/internal error/);
    }
  });

  it('credits an acting playbook whose run the condition cleared during, by the run, whatever its title says', async () => {
    // A title that reads like the resolution sentence itself: nothing is parsed from words.
    const title = 'Fix "it" (run by bob) was running: \\ «ü» "Test the connection now"';
    let evaluatorIdle: () => Promise<void> = async () => undefined;
    const acting: Playbook<EngineAdapter> = {
      ...GENERIC_PLAYBOOKS[0]!,
      title,
      observesOnly: false,
      plan: (f, op) =>
        GENERIC_PLAYBOOKS[0]!.plan(f, op).map((step) => ({
          ...step,
          // the finding clears while the step runs, as a step's own refresh sees it first
          async run(tools) {
            const line = await step.run(tools);
            await evaluatorIdle();
            return line;
          },
        })),
    };
    const { sim, store, evaluator, poll, deps, finished } = await setup([acting]);
    evaluatorIdle = () => evaluator.idle();
    await poll();
    sim.startOutage(60);
    for (let i = 0; i < 3; i++) await poll();
    const [finding] = (await store.listFindings({ status: 'open', limit: 10, offset: 0 })).items;
    sim.startOutage(0);
    const run = await finished((await startPlaybook(deps, { findingId: finding!.id, playbookId: 'connection.check', actor: alice })).id);
    expect(run.status).toBe('succeeded');
    expect(await store.getFinding(finding!.id)).toMatchObject({
      status: 'resolved',
      resolvedBy: { kind: 'playbook', runId: run.id, title, actor: alice },
      resolution: `fixed by playbook "${title}" run by alice`,
    });
    // It cleared while the run ran (the journal says so); the run's success then claimed the fix.
    const cleared = (await store.findingNotes(finding!.id)).find((n) => n.kind === 'resolved');
    expect(cleared?.text).toMatch(/^condition cleared while playbook /);
  });

  it('creditFix reads resolvedBy, never the resolution sentence', async () => {
    const { store, bus } = await setup();
    const T = '2026-01-01T00:00:00.000Z';
    const run: PlaybookRun = {
      id: 'run-1',
      findingId: 'f1',
      operationId: null,
      playbookId: 'connection.check',
      title: 'Fix it',
      actor: alice,
      params: {},
      status: 'succeeded',
      startedAt: T,
      finishedAt: T,
      message: null,
      steps: [],
    };
    const resolved = (id: string, resolution: string, resolvedBy: Finding['resolvedBy']): Finding =>
      findingOf({
        id,
        ruleId: 'connection-degraded',
        key: `k-${id}`,
        severity: 'critical',
        title: 't',
        since: T,
        connectionId: 'lab',
        operationId: null,
        subjectName: 'lab',
        status: 'resolved',
        firstSeenAt: T,
        lastSeenAt: T,
        resolvedAt: T,
        resolution,
        resolvedBy,
      });
    // The words say "during Fix it", but it cleared during another run: not this run's doing.
    await store.saveFinding(
      resolved('f1', 'condition cleared while playbook "Fix it" (run by alice) was running', { kind: 'condition_cleared', duringRunId: 'run-0' }),
    );
    await creditFix({ store, bus }, run);
    expect((await store.getFinding('f1'))?.resolvedBy).toEqual({ kind: 'condition_cleared', duringRunId: 'run-0' });
    // Words that say nothing of the run, but it cleared during it: credited.
    await store.saveFinding(resolved('f2', 'something else entirely', { kind: 'condition_cleared', duringRunId: 'run-2' }));
    await creditFix({ store, bus }, { ...run, id: 'run-2', findingId: 'f2' });
    expect(await store.getFinding('f2')).toMatchObject({
      resolvedBy: { kind: 'playbook', runId: 'run-2', title: 'Fix it', actor: alice },
      resolution: 'fixed by playbook "Fix it" run by alice',
    });
    // Resolved by a person: left alone.
    const byHand = { kind: 'person' as const, actor: alice, note: 'done' };
    await store.saveFinding(resolved('f3', 'condition cleared while playbook "Fix it"', byHand));
    await creditFix({ store, bus }, { ...run, findingId: 'f3' });
    expect((await store.getFinding('f3'))?.resolvedBy).toEqual(byHand);
  });
});
