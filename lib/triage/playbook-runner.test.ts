import { afterEach, describe, expect, it } from 'vitest';
import { requestAction } from '@/lib/actions/request-action';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { Collector } from '@/lib/collector/collector';
import { createOvirtAdapter } from '@/lib/engines/ovirt';
import { logger } from '@/lib/log/logger';
import { OvirtSimServer } from '@/lib/sim/ovirt/server';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import { tempDir } from '@/lib/testing/temp-dir';
import { TriageEvaluator } from './evaluator';
import { GENERIC_PLAYBOOKS } from './generic-playbooks';
import type { PlaybookRun } from '@/lib/model/playbook-run';
import { playbookDryRun, startPlaybook, type RunnerDeps } from './playbook-runner';

describe('playbook runner, on an engine outage', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
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
      playbooksFor: () => GENERIC_PLAYBOOKS,
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
    return { sim, store, poll, deps, finished };
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
    await expect(startPlaybook(deps, { findingId: finding!.id, playbookId: 'ovirt.resume-transfer', actor: 'alice' })).rejects.toThrow(
      /no playbook "ovirt.resume-transfer"/,
    );

    const down = await finished((await startPlaybook(deps, { findingId: finding!.id, playbookId: 'connection.check', actor: 'alice' })).id);
    expect(down.status).toBe('failed');
    expect(down.message).toMatch(/^step 1 \(List operations on lab\) failed: .*Service Unavailable/);
    expect((await store.getFinding(finding!.id))?.status).toBe('open');

    sim.startOutage(0);
    const up = await finished((await startPlaybook(deps, { findingId: finding!.id, playbookId: 'connection.check', actor: 'alice' })).id);
    expect(up).toMatchObject({ status: 'succeeded', actor: 'alice' });
    expect(up.steps[0]?.state.message).toBe('the engine answered: 0 operation(s) listed');
    const after = await store.getFinding(finding!.id);
    // A read-only check does not claim the fix: the engine came back by itself.
    expect(after).toMatchObject({
      status: 'resolved',
      resolution: 'condition cleared while playbook "Test the connection now" (run by alice) was running: the engine answers again',
    });
    const journal = (await store.findingNotes(finding!.id)).map((n) => `${n.by} ${n.kind}`);
    expect(journal).toEqual(['phaseboard opened', 'alice playbook', 'alice playbook', 'alice playbook', 'phaseboard resolved', 'alice playbook']);
  });
});
