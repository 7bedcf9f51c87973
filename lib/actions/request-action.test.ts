import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { Collector } from '@/lib/collector/collector';
import { createOvirtAdapter } from '@/lib/engines/ovirt';
import { logger } from '@/lib/log/logger';
import type { Actor } from '@/lib/model/actor';
import { operationId } from '@/lib/model/operation';
import { OvirtSimServer } from '@/lib/engines/ovirt/sim/server';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import { tempDir } from '@/lib/testing/temp-dir';
import { recoverInterruptedRuns } from './recover';
import { requestAction, type ActionDeps } from './request-action';

const alice: Actor = { kind: 'user', id: 'u-alice', name: 'alice' };
const bob: Actor = { kind: 'user', id: 'u-bob', name: 'bob' };

const FINALIZE = 'POST /imagetransfers/{id}/finalize';
const FRESH_GET = 'GET /imagetransfers/{id}';

describe('one engine action per operation, enforced in the store', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(dataDir = tempDir()) {
    const sim = new OvirtSimServer({ username: 'u', password: 'p' });
    const url = await sim.start();
    const store = openSqliteStore(dataDir);
    const bus = createMemoryBus();
    const adapter = createOvirtAdapter({ url, username: 'u', password: 'p', log: logger, timeoutMs: 5000 });
    const collector = new Collector([{ id: 'lab', engine: 'ovirt', adapter, fastMs: 1000, slowMs: 10_000 }], { store, bus, log: logger });
    cleanups.push(
      () => sim.stop(),
      () => store.close(),
      () => collector.stop(),
    );
    const deps: ActionDeps = { store, collector, log: logger };
    return { sim, store, collector, deps };
  }

  /** A transfer waiting for finalize, known to the store. */
  async function awaitingFinalize(sim: OvirtSimServer, collector: Collector, store: Store): Promise<string> {
    const t = sim.engine.startScenario('upload-awaits-finalize', { speed: 50 });
    const id = operationId('lab', t.id);
    for (let i = 0; i < 200; i++) {
      await collector.connection('lab').poller.pollOnce();
      const op = await store.getOperation(id);
      if (op?.needsYou?.action === 'finalize') return id;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the transfer never became finalizable');
  }

  it.each([
    ['without a key', (_i: number) => null],
    ['with 100 different keys', (i: number) => `key-${i}`],
    ['with one key', (_i: number) => 'same-key'],
  ])('100 concurrent finalizes %s behind a 150 ms engine send one finalize', async (_label, keyOf) => {
    const { sim, store, collector, deps } = await setup();
    const id = await awaitingFinalize(sim, collector, store);
    sim.setLatency(150);
    const before = { finalize: sim.stats.byRoute[FINALIZE] ?? 0, get: sim.stats.byRoute[FRESH_GET] ?? 0 };

    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => requestAction(deps, { operationId: id, action: 'finalize', params: {}, idempotencyKey: keyOf(i), actor: alice })),
    );
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const created = accepted.filter((r) => r.created);
    expect(created).toHaveLength(1);
    await created[0]!.done;

    expect((sim.stats.byRoute[FINALIZE] ?? 0) - before.finalize).toBe(1);
    // The claim comes before the fresh look at the engine: the losers never reach it.
    expect((sim.stats.byRoute[FRESH_GET] ?? 0) - before.get).toBeLessThan(10);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string; message: string }] : []));
    if (keyOf(0) === 'same-key') {
      expect(refused).toEqual([]);
      expect(new Set(accepted.map((r) => r.run.id)).size).toBe(1);
    } else {
      expect(refused).toHaveLength(99);
      expect(refused.every((e) => e.code === 'conflict')).toBe(true);
      expect(refused[0]!.message).toMatch(/another action is running on this operation: finalize requested by alice|Finalize is not possible now/);
    }
    expect(await store.listActionRuns(id)).toHaveLength(1);
  });

  it('scopes keys to the operation, action and person; a key reused for another request is refused', async () => {
    const { sim, store, collector, deps } = await setup();
    const a = await awaitingFinalize(sim, collector, store);
    const b = await awaitingFinalize(sim, collector, store);
    const first = await requestAction(deps, { operationId: a, action: 'pause', params: {}, idempotencyKey: 'k1', actor: alice });
    await first.done;
    // The same key on another operation is another request: it acts there.
    const other = await requestAction(deps, { operationId: b, action: 'pause', params: {}, idempotencyKey: 'k1', actor: alice });
    expect(other.created).toBe(true);
    expect(other.run.operationId).toBe(b);
    await other.done;
    // The same key with other parameters is a client bug: 422, nothing sent.
    await expect(
      requestAction(deps, { operationId: a, action: 'pause', params: { reason: 'other' }, idempotencyKey: 'k1', actor: alice }),
    ).rejects.toMatchObject({ code: 'unprocessable' });
    // The same key and request again: the first run, not a second action.
    const again = await requestAction(deps, { operationId: a, action: 'pause', params: {}, idempotencyKey: 'k1', actor: alice });
    expect(again).toMatchObject({ created: false, run: { id: first.run.id } });
  });

  it('marks runs a crash left running as interrupted, asks the engine, and says so in the timeline', async () => {
    const dataDir = tempDir();
    const { sim, store, collector } = await setup(dataDir);
    const id = await awaitingFinalize(sim, collector, store);
    await store.createActionRun({
      id: 'r-crashed',
      operationId: id,
      action: 'finalize',
      idempotencyKey: null,
      requestHash: 'h',
      actor: alice,
      playbook: null,
      params: {},
      status: 'running',
      requestedAt: new Date().toISOString(),
      finishedAt: null,
      message: null,
    });

    const step = (status: 'succeeded' | 'running' | 'pending') => ({
      title: status,
      request: 'GET x',
      changes: [],
      precondition: '-',
      manual: false,
      state: { status, startedAt: null, finishedAt: null, message: null, log: [] },
    });
    await store.savePlaybookRun({
      id: 'p-crashed',
      findingId: 'f1',
      operationId: id,
      playbookId: 'ovirt.x',
      title: 'Fix it',
      actor: alice,
      params: {},
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      message: null,
      steps: [step('succeeded'), step('running'), step('pending')],
    });

    expect(await recoverInterruptedRuns({ store, collector, log: logger })).toEqual({ actions: 1, playbooks: 1 });
    const playbook = await store.getPlaybookRun('p-crashed');
    expect(playbook).toMatchObject({ status: 'interrupted', message: expect.stringMatching(/^interrupted: phaseboard stopped while it ran/) });
    expect(playbook?.steps.map((s) => s.state.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect((await store.findingNotes('f1')).at(-1)).toMatchObject({ by: { kind: 'phaseboard' }, text: expect.stringMatching(/^"Fix it" interrupted/) });
    const [run] = await store.listActionRuns(id);
    expect(run).toMatchObject({
      id: 'r-crashed',
      status: 'interrupted',
      message: 'interrupted: phaseboard stopped while it ran; the engine shows transferring (running)',
    });
    const timeline = await store.timeline(id);
    expect(timeline.at(-1)?.entry).toEqual({
      type: 'action_interrupted',
      action: 'finalize',
      runId: 'r-crashed',
      engineNow: 'the engine shows transferring (running)',
    });
    // The operation can be acted on again.
    const next = await requestAction({ store, collector, log: logger }, { operationId: id, action: 'finalize', params: {}, idempotencyKey: null, actor: bob });
    expect(next.created).toBe(true);
    await next.done;
  });
});
