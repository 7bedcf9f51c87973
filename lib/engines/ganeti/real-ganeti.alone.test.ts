import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineAdapter } from '@/lib/engines/types';
import type { Operation } from '@/lib/model/operation';
import { ClusterHands } from '@/lib/testing/real-ganeti';
import { triageHarness, type TriageHarness } from '@/lib/testing/triage-harness';
import type { Playbook } from '@/lib/triage/playbook';
import { playbookDryRun } from '@/lib/triage/playbook-runner';
import { describeAdapterContract } from '../contract.suite';
import { createGanetiAdapter, type GanetiAdapter } from './adapter';
import { logger } from '@/lib/log/logger';
import { REQUESTS } from './requests';
import { FINAL_JOB_STATUSES } from './constants';
import { ganetiEngine } from './index';
import { GANETI_PLAYBOOKS } from './triage/playbooks';
import { GANETI_RULES } from './triage/rules';

/**
 * Ganeti against the real two-node cluster of scripts/ganeti/up.sh, through
 * RAPI with the certificate pinned. A file of the 'alone' project: it stops
 * a node daemon and holds jobs in hooks, which must not disturb anyone else.
 */

const hands = new ClusterHands();
/** phaseboard's adapter on the cluster, the certificate pinned as an operator would */
const realAdapter = () =>
  createGanetiAdapter({ url: hands.g.url, username: hands.g.user, password: hands.g.password, certSha256: hands.g.certSha256, log: logger });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lets every job of the instance end (holds released): the next flow starts from a quiet cluster. */
async function settle(name: string) {
  hands.release(name);
  for (const j of await hands.rapi.jobs()) {
    if (j.ops?.some((o) => o.instance_name === name) && !FINAL_JOB_STATUSES.has(j.status ?? '')) await hands.untilEnded(j.id);
  }
}
const submit = (r: Parameters<typeof hands.rapi.submit>[0]) => hands.rapi.submit(r);

describeAdapterContract(
  'Ganeti on the real two-node cluster',
  async () => {
    const name = await hands.createInstance('pbc1');
    const adapter = realAdapter();
    return {
      adapter,
      module: ganetiEngine,
      startOperation: async () => {
        await settle(name);
        return `job:${await submit(REQUESTS.migrate(name, { mode: 'live' }))}`;
      },
      advance: async (ms) => void (await sleep(ms)),
      actions: [
        {
          action: 'cancel',
          // a second job waits for the instance's lock while the first is held in its pre-hook
          start: async () => {
            await settle(name);
            hands.hold(name);
            const first = await submit(REQUESTS.migrate(name, { mode: 'live' }));
            await hands.untilStatus(first, 'running');
            const second = await submit(REQUESTS.failover(name, {}));
            await hands.untilStatus(second, 'waiting');
            return `job:${second}`;
          },
          endsIn: 'cancelled',
        },
        {
          action: 'cleanup',
          start: async () => {
            await settle(name);
            const id = await submit(REQUESTS.migrate(name, { mode: 'live' }));
            await hands.untilEnded(id);
            await hands.wrongNode(name);
            return `job:${id}`;
          },
        },
        {
          action: 'retry',
          start: async () => {
            await settle(name);
            const target = hands.other((await hands.instance(name)).pnode);
            hands.stopNoded(target);
            try {
              const id = await submit(REQUESTS.migrate(name, { mode: 'live', target_node: target }));
              await hands.untilEnded(id);
              return `job:${id}`;
            } finally {
              await hands.startNoded(target);
            }
          },
        },
        {
          action: 'restart',
          start: async () => {
            await settle(name);
            await hands.runningNowhere(name);
            const id = await submit(REQUESTS.migrate(name, { cleanup: true }));
            await hands.untilEnded(id);
            return `job:${id}`;
          },
        },
      ],
      refusal: async () => {
        await settle(name);
        hands.hold(name);
        const id = await submit(REQUESTS.migrate(name, { mode: 'live' }));
        await hands.untilStatus(id, 'running');
        return { nativeId: `job:${id}`, action: 'cancel' };
      },
      close: async () => {
        await settle(name);
        await adapter.close();
        await hands.removeInstance(name);
      },
    };
  },
  { timeoutMs: 90_000, testTimeoutMs: 240_000 },
);

describe('Ganeti flows on the real two-node cluster', { timeout: 120_000 }, () => {
  let name: string;
  let adapter: GanetiAdapter;
  let h: TriageHarness;
  const op = (ops: Operation[], job: number) => ops.find((o) => o.nativeId === `job:${job}`);
  const ended = (job: number) => (ops: Operation[]) => {
    const o = op(ops, job);
    return o && ['succeeded', 'failed', 'cancelled'].includes(o.state) ? o : undefined;
  };
  const facts = async (o: Operation) =>
    (await h.store.timeline(o.id)).flatMap((e) => (e.entry.type === 'engine_fact' ? [{ at: e.at, text: e.entry.text }] : []));

  beforeAll(async () => {
    name = await hands.createInstance('pbf1');
    adapter = realAdapter();
    h = triageHarness({
      adapter,
      engine: 'ganeti',
      rules: GANETI_RULES,
      playbooks: GANETI_PLAYBOOKS as readonly Playbook<EngineAdapter>[],
      fastMs: 500,
    });
  }, 120_000);
  afterAll(async () => {
    await settle(name);
    await adapter.close();
    await h.close();
    await hands.removeInstance(name);
  }, 120_000);

  it('a live migration, watched phase by phase: its log lines on the timeline in order, with its nodes', async () => {
    await settle(name);
    const from = (await hands.instance(name)).pnode;
    const job = await submit(REQUESTS.migrate(name, { mode: 'live' }));
    await h.until((ops) => op(ops, job), 'the job to be listed');
    const done = await h.until(ended(job), 'the migration to end');
    expect(done).toMatchObject({ kind: 'live_migration', state: 'succeeded', details: { source: from, target: hands.other(from), instanceStatus: 'running' } });
    const lines = (await facts(done)).map((f) => f.text);
    expect(lines[0]).toBe(`- INFO: Selected nodes for instance ${name} via iallocator hail: ${hands.other(from)}`);
    expect(lines).toContain(`* migrating instance to ${hands.other(from)}`);
    expect(lines.at(-1)).toBe('* done');
    const real = await hands.rapi.job(job);
    expect(lines.length).toBe(real!.oplog!.flat().length);
    expect((await hands.instance(name)).pnode).toBe(hands.other(from));
  });

  it('a failover moves the instance, with its log', async () => {
    await settle(name);
    const from = (await hands.instance(name)).pnode;
    const job = await submit(REQUESTS.failover(name, {}));
    const done = await h.until(ended(job), 'the failover to end');
    expect(done).toMatchObject({ kind: 'failover', state: 'succeeded', details: { target: hands.other(from) } });
    expect((await facts(done)).map((f) => f.text)).toContain(`* starting the instance on the target node ${hands.other(from)}`);
  });

  it("a migration to a node whose noded is stopped fails with Ganeti's words and class; the finding says a retry is safe once that is fixed", async () => {
    await settle(name);
    const target = hands.other((await hands.instance(name)).pnode);
    hands.stopNoded(target);
    let job: number;
    try {
      job = await submit(REQUESTS.migrate(name, { mode: 'live', target_node: target }));
      const failed = await h.until(ended(job), 'the migration to fail');
      expect(failed).toMatchObject({ state: 'failed', details: { errorClass: 'OpPrereqError', errorKind: 'environment_error' } });
      expect(failed.details.failure).toMatch(new RegExp(`^Can't get data from node ${target.replace(/\./g, '\\.')}: .*Failed to connect`));
      const finding = (await h.store.listFindings({ status: 'open', limit: 20, offset: 0 })).items.find((f) => f.operationId === failed.id);
      expect(finding).toMatchObject({ ruleId: 'ganeti.job-failed', severity: 'warning' });
      expect(finding!.explanation).toMatch(/OpPrereqError: a precondition failed before anything changed: safe to retry/);
    } finally {
      await hands.startNoded(target);
    }
  });

  it('a slow migration held in its pre-hook: the /wait loop brings each change within 1 s', async () => {
    await settle(name);
    const changes: number[] = [];
    const stop = adapter.subscribe!(() => changes.push(Date.now()));
    try {
      hands.hold(name);
      const job = await submit(REQUESTS.migrate(name, { mode: 'live' }));
      await hands.untilStatus(job, 'running');
      // a poll sees it running and starts following it
      const running = await h.until((ops) => (op(ops, job)?.state === 'running' ? op(ops, job) : undefined), 'the job to run');
      // the hook holds everything after the allocator's choice
      expect(String(running.details.lastLog ?? '')).not.toMatch(/Migrating instance/);
      await sleep(1500);
      const releasedAt = Date.now();
      hands.release(name);
      const real = await hands.untilEnded(job);
      await sleep(300);
      const full = (await hands.rapi.job(job))!;
      const logged = full.oplog!.flat().map((e) => e[1][0] * 1000 + e[1][1] / 1000);
      const end = real.end_ts![0] * 1000 + real.end_ts![1] / 1000;
      // each line written after the hold, and the end: a change is told within a second of it
      const told = (t: number) => changes.find((c) => c >= t - 50);
      for (const t of [...logged.filter((l) => l >= releasedAt), end]) {
        expect(told(t), `a change at ${new Date(t).toISOString()}`).toBeDefined();
        expect(told(t)! - t).toBeLessThan(1000);
      }
    } finally {
      stop();
    }
  });

  it('the wrong-node state raises a finding; its cleanup playbook repairs it and the finding resolves by itself', async () => {
    await settle(name);
    const job = await submit(REQUESTS.migrate(name, { mode: 'live' }));
    await hands.untilEnded(job);
    const ranOn = await hands.wrongNode(name);
    // the bulk list Ganeti answers says ERROR_wrongnode where one instance's read says ERROR_down
    const wrong = (o: Operation | undefined) => ['ERROR_down', 'ERROR_wrongnode'].includes(String(o?.details.instanceStatus));
    const migration = await h.until((ops) => (wrong(op(ops, job)) ? op(ops, job) : undefined), 'ERROR_wrongnode to show');
    const finding = (await h.store.listFindings({ status: 'open', limit: 20, offset: 0 })).items.find((f) => f.ruleId === 'ganeti.wrong-node');
    expect(finding).toMatchObject({ severity: 'critical', operationId: migration.id });
    expect(finding!.explanation).toMatch(/the cluster does not record/);
    expect(finding!.evidence.map((e) => e.label)).toContain('last log line');
    // retry is refused while it is so, in words
    await expect(adapter.performAction(migration, { action: 'retry', params: {}, correlationId: 't', log: () => {}, history: async () => [] })).rejects.toThrow(
      /retry refused: .* is ERROR_(down|wrongnode) .*clean up first/,
    );
    const plan = await playbookDryRun(h.deps, finding!.id, 'ganeti.cleanup');
    expect(plan.steps.map((s) => s.request)).toContain(`PUT /2/instances/${name}/migrate {"cleanup":true}`);
    const run = await h.runPlaybook(finding!.id, 'ganeti.cleanup');
    expect(run.status).toBe('succeeded');
    const i = await hands.instance(name);
    expect(i).toMatchObject({ status: 'running', pnode: ranOn });
    await h.poll();
    expect((await h.store.getFinding(finding!.id))?.status).toBe('resolved');
  });

  it('a cleanup when nothing is wrong changes nothing and says so', async () => {
    await settle(name);
    const before = await hands.instance(name);
    const job = await submit(REQUESTS.migrate(name, { cleanup: true }));
    const done = await h.until(ended(job), 'the cleanup to end');
    expect(done).toMatchObject({ kind: 'migration_cleanup', state: 'succeeded' });
    expect((await facts(done)).map((f) => f.text)).toContain(`* instance confirmed to be running on its primary node (${before.pnode})`);
    expect((await hands.instance(name)).pnode).toBe(before.pnode);
    // nothing is left to do on it
    expect(done.actions.filter((a) => a.enabled)).toEqual([]);
  });
});
