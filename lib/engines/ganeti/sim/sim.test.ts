import { afterEach, describe, expect, it } from 'vitest';
import type { EngineAdapter } from '@/lib/engines/types';
import { logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import { alice, triageHarness } from '@/lib/testing/triage-harness';
import type { Playbook } from '@/lib/triage/playbook';
import { createGanetiAdapter } from '../adapter';
import { STUCK_FLOOR_MS } from '../constants';
import { GANETI_PLAYBOOKS } from '../triage/playbooks';
import { GANETI_RULES } from '../triage/rules';
import { SimCluster } from './cluster';
import { startScenario } from './scenarios';
import { GanetiSimServer } from './server';

/** The simulated cluster's scenarios through the adapter, the collector and triage, as the Demo page plays them. */
describe('Ganeti simulator scenarios', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    // the cluster's time: the wall clock plus what a test skips (a stop and start an action waits for must move on)
    let skipped = 0;
    const now = () => Date.now() + skipped;
    const cluster = new SimCluster(now);
    const sim = new GanetiSimServer({ username: 'u', password: 'p', cluster });
    const url = await sim.start();
    const adapter = createGanetiAdapter({ url, username: 'u', password: 'p', log: logger, now });
    const h = triageHarness({
      adapter,
      engine: 'ganeti',
      rules: GANETI_RULES,
      playbooks: GANETI_PLAYBOOKS as readonly Playbook<EngineAdapter>[],
      now,
      fastMs: 200,
    });
    cleanups.push(
      () => sim.stop(),
      () => adapter.close(),
      () => h.close(),
    );
    const advance = (ms: number) => {
      skipped += ms;
      cluster.tick();
    };
    /** plays the job to its end (simulated time) and polls */
    const settle = async (id: number) => {
      await h.poll();
      for (let i = 0; i < 400 && cluster.jobs.get(id)!.endedAt === null; i++) advance(500);
      await h.poll();
      return op(id);
    };
    const op = async (id: number) => (await h.store.listOperations({ limit: 500, offset: 0 })).items.find((o) => o.nativeId === `job:${id}`)!;
    const findings = async (rule: string) => (await h.store.listFindings({ status: 'open', limit: 50, offset: 0 })).items.filter((f) => f.ruleId === rule);
    const texts = async (o: Operation) => (await h.store.timeline(o.id)).flatMap((e) => (e.entry.type === 'engine_fact' ? [e.entry.text] : []));
    return { cluster, h, advance, settle, op, findings, texts, start: (id: string) => startScenario(cluster, id, { speed: 1 }) };
  }

  it('a live migration logs each step and its memory copy, and ends on the allocator’s node', async () => {
    const s = await setup();
    const job = s.start('live-migration');
    const from = s.cluster.instances.get(job.opcode.instance_name)!.pnode;
    await s.h.poll();
    for (let i = 0; i < 12; i++) s.advance(500);
    await s.h.poll();
    const mid = await s.op(job.id);
    expect(mid).toMatchObject({ kind: 'live_migration', state: 'running', details: { source: from } });
    expect(mid.progress).toMatchObject({ unit: 'percent' });
    const done = await s.settle(job.id);
    expect(done).toMatchObject({ state: 'succeeded', details: { instanceStatus: 'running', target: done.details.primaryNode } });
    const lines = await s.texts(done);
    expect(lines).toContain('* starting memory transfer');
    expect(lines.some((l) => /memory transfer progress: \d+\.\d\d %/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('* done');
  });

  it('a failed migration (target down) is an OpPrereqError that leaves the instance running, so retry is offered', async () => {
    const s = await setup();
    const job = s.start('failed-target-down');
    const failed = await s.settle(job.id);
    expect(failed).toMatchObject({ state: 'failed', details: { errorClass: 'OpPrereqError', errorKind: 'environment_error', instanceStatus: 'running' } });
    expect(failed.actions.find((a) => a.name === 'retry')).toMatchObject({ enabled: true });
    expect(await s.findings('ganeti.job-failed')).toHaveLength(1);
    // the instance removed: its old failure is history, and the finding resolves
    s.cluster.instances.delete(job.opcode.instance_name);
    await s.h.poll();
    expect(await s.findings('ganeti.job-failed')).toEqual([]);
  });

  it('the wrong-node state: found with the job log, retry refused, the cleanup playbook repairs it and the finding resolves', async () => {
    const s = await setup();
    const job = s.start('wrong-node-cleanup');
    const failed = await s.settle(job.id);
    expect(failed).toMatchObject({ state: 'failed', details: { errorClass: 'OpExecError', instanceStatus: 'ERROR_down' } });
    expect(failed.actions.find((a) => a.name === 'retry')).toMatchObject({ enabled: false, reason: expect.stringMatching(/clean up first/) });
    const [finding] = await s.findings('ganeti.wrong-node');
    expect(finding).toMatchObject({ severity: 'critical', operationId: failed.id });
    expect(finding!.evidence.find((e) => e.label === 'last log line')?.value).toBe(`* closing instance disks on node ${failed.details.source}`);
    const run = await s.h.runPlaybook(finding!.id, 'ganeti.cleanup');
    expect(run.status).toBe('succeeded');
    await s.h.poll();
    expect((await s.h.store.getFinding(finding!.id))?.status).toBe('resolved');
    expect(s.cluster.instances.get(job.opcode.instance_name)).toMatchObject({ pnode: failed.details.target, runningOn: failed.details.target });
  });

  it('an instance that runs nowhere: the cleanup fails in Ganeti’s words and the stop-and-start playbook brings it back', async () => {
    const s = await setup();
    const job = s.start('running-nowhere');
    await s.settle(job.id);
    const cleanup = s.cluster.submit(
      { OP_ID: 'OP_INSTANCE_MIGRATE', instance_name: job.opcode.instance_name, cleanup: true, iallocator: 'hail' },
      { speed: 1 },
    );
    const failed = await s.settle(cleanup.id);
    expect(failed).toMatchObject({ kind: 'migration_cleanup', state: 'failed', details: { errorClass: 'OpExecError' } });
    const [finding] = await s.findings('ganeti.cleanup-not-running');
    expect(finding!.explanation).toMatch(/does not seem to be running at all/);
    const run = await s.h.runPlaybook(finding!.id, 'ganeti.stop-start');
    expect(run.status).toBe('succeeded');
    expect(SimCluster.status(s.cluster.instances.get(job.opcode.instance_name)!)).toBe('running');
    await s.h.poll();
    expect((await s.h.store.getFinding(finding!.id))?.status).toBe('resolved');
  });

  it('a cleanup when nothing is wrong confirms the primary and changes nothing', async () => {
    const s = await setup();
    const job = s.start('cleanup-nothing');
    const before = s.cluster.instances.get(job.opcode.instance_name)!.pnode;
    const done = await s.settle(job.id);
    expect(done).toMatchObject({ kind: 'migration_cleanup', state: 'succeeded' });
    expect(await s.texts(done)).toContain(`* instance confirmed to be running on its primary node (${before})`);
    expect(s.cluster.instances.get(job.opcode.instance_name)!.pnode).toBe(before);
  });

  it('a failover waits behind a held migration of the same instance and is cancelled before it runs', async () => {
    const s = await setup();
    const job = s.start('queued-cancelled');
    s.advance(1000);
    await s.h.poll();
    const waiting = await s.op(job.id);
    expect(waiting).toMatchObject({ kind: 'failover', nativePhase: 'waiting', state: 'pending' });
    expect(waiting.actions.find((a) => a.name === 'cancel')).toMatchObject({ enabled: true });
    const r = await s.h.deps.requestAction({ operationId: waiting.id, action: 'cancel', params: {}, idempotencyKey: null, actor: alice });
    expect(r.run.action).toBe('cancel');
    await s.h.until((ops) => ops.find((o) => o.id === waiting.id && o.state === 'cancelled'), 'the failover to be cancelled');
    expect(await s.texts(await s.op(job.id))).toEqual([]);
  });

  it('a migration held far past its usual length with no new log line is a finding; a slow one that moves on is not', async () => {
    const s = await setup();
    const i = s.cluster.addInstance();
    const job = s.cluster.submit(
      { OP_ID: 'OP_INSTANCE_MIGRATE', instance_name: i.name, mode: 'live', iallocator: 'hail' },
      { speed: 1, faults: { holdMs: 3 * 3_600_000 } },
    );
    s.advance(2000);
    await s.h.poll();
    expect(await s.op(job.id)).toMatchObject({ nativePhase: 'running' });
    s.advance(STUCK_FLOOR_MS + 60_000);
    await s.h.poll();
    // no history yet: 30 min are allowed
    expect(await s.findings('ganeti.migration-stuck')).toEqual([]);
    s.advance(30 * 60_000);
    await s.h.poll();
    const [stuck] = await s.findings('ganeti.migration-stuck');
    expect(stuck).toMatchObject({ severity: 'warning', title: expect.stringMatching(/migration has run 3\dm \d\ds without a new log line$/) });
    expect(stuck!.explanation).toMatch(/cannot be cancelled/);
  });
});
