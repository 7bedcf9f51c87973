import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import type { BusMessage } from '@/lib/bus/types';
import { createOvirtAdapter } from '@/lib/engines/ovirt';
import { AppError } from '@/lib/errors/app-error';
import { logger } from '@/lib/log/logger';
import { SimOvirtEngine } from '@/lib/engines/ovirt/sim/engine';
import { OvirtSimServer } from '@/lib/engines/ovirt/sim/server';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import { sleep } from '@/lib/testing/processes';
import { tempDir } from '@/lib/testing/temp-dir';
import { ConnectionPoller } from './poller';

/** A manual clock shared by the simulated engine and phaseboard. */
function clock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ConnectionPoller with the simulated oVirt engine', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(dir = tempDir(), c = clock(), engine = new SimOvirtEngine(c.now)) {
    const sim = new OvirtSimServer({ username: 'u', password: 'p', engine });
    const url = await sim.start();
    cleanups.push(() => sim.stop());
    const make = (store: Store) => {
      const bus = createMemoryBus();
      const published: BusMessage[] = [];
      bus.subscribe((m) => published.push(m));
      const adapter = createOvirtAdapter({ url, username: 'u', password: 'p', log: logger, now: c.now });
      const poller = new ConnectionPoller({ connectionId: 'sim', engine: 'ovirt', adapter, store, bus, log: logger, fastMs: 1000, slowMs: 10_000, now: c.now });
      return { poller, published };
    };
    const store = openSqliteStore(dir);
    cleanups.push(() => store.close());
    return { sim, engine, store, dir, c, make };
  }

  it('a burst of "Check now" costs the engine one list call, not one each', async () => {
    const { sim, store, make } = await setup();
    const { poller } = make(store);
    const before = sim.stats.byRoute['GET /imagetransfers'] ?? 0;
    await Promise.all(Array.from({ length: 20 }, () => poller.refresh()));
    expect((sim.stats.byRoute['GET /imagetransfers'] ?? 0) - before).toBe(1);
    // a later one is a new look
    await poller.refresh();
    expect((sim.stats.byRoute['GET /imagetransfers'] ?? 0) - before).toBe(2);
  });

  it('turns phase changes into timeline entries with rate and ETA', async () => {
    const { engine, store, c, make } = await setup();
    const t = engine.startScenario('upload-success');
    const { poller } = make(store);
    await poller.start();
    poller.stop();
    await poller.pollOnce();
    c.advance(2000);
    await poller.pollOnce();
    c.advance(1000);
    await poller.pollOnce();
    const op = await store.getOperation(`sim:${t.id}`);
    expect(op?.nativePhase).toBe('transferring');
    expect(op?.progress?.rate).toBeGreaterThan(0);
    expect(op?.progress?.etaSeconds).toBeGreaterThan(0);
    const entries = (await store.timeline(`sim:${t.id}`)).map((e) => e.entry);
    expect(entries).toEqual([
      { type: 'observed', nativePhase: 'initializing', state: 'pending' },
      { type: 'phase', from: 'initializing', to: 'transferring', state: 'running' },
    ]);
  });

  it('continues after a restart without duplicating or losing a phase change', async () => {
    const dir = tempDir();
    const c = clock();
    const first = await setup(dir, c);
    const t = first.engine.startScenario('upload-success');
    const a = first.make(first.store);
    await a.poller.pollOnce();
    c.advance(2000);
    await a.poller.pollOnce();
    await first.store.close();
    cleanups.pop();

    // phaseboard restarts while the engine moves on (22 s in: finalizing)
    c.advance(20_000);
    const store = openSqliteStore(dir);
    cleanups.push(() => store.close());
    const b = first.make(store);
    await b.poller.start();
    b.poller.stop();
    await b.poller.pollOnce();
    await b.poller.pollOnce();
    const phases = (await store.timeline(`sim:${t.id}`)).map((e) => (e.entry.type === 'phase' ? e.entry.to : e.entry.type));
    expect(phases).toEqual(['observed', 'transferring', 'finalizing_success']);
  });

  it('resolves a transfer the engine removed (before 4.4.7) by one look at its disk', async () => {
    const { engine, store, c, make } = await setup();
    const t = engine.startScenario('legacy-finalize-removed');
    const { poller } = make(store);
    for (let i = 0; i < 30; i++) {
      await poller.pollOnce();
      c.advance(1000);
    }
    const op = await store.getOperation(`sim:${t.id}`);
    expect(op).toMatchObject({ state: 'succeeded', gone: true, nativePhase: 'finalizing_success' });
    expect(op?.outcome).toMatch(/transfer removed by the engine; disk .* is OK/);
    const types = (await store.timeline(`sim:${t.id}`)).map((e) => e.entry.type);
    expect(types.slice(-2)).toEqual(['vanished', 'resolved']);
  });

  it('marks the connection degraded when the engine is down, keeps history, and recovers', async () => {
    const { sim, engine, store, make } = await setup();
    const t = engine.startScenario('upload-success');
    const { poller, published } = make(store);
    await poller.pollOnce();
    await sim.stop();
    await poller.pollOnce();
    expect(poller.status).toMatchObject({ status: 'degraded', consecutiveFailures: 1 });
    expect(poller.status.lastError).toMatch(/cannot reach/);
    expect(published.some((m) => m.type === 'engine' && m.status.status === 'degraded')).toBe(true);
    expect(await store.timeline(`sim:${t.id}`)).toHaveLength(1);
    expect((await store.getOperation(`sim:${t.id}`))?.gone).toBe(false);
  });

  it('publishes what it commits, with the store sequence as id', async () => {
    const { engine, store, make } = await setup();
    engine.startScenario('download-success');
    const { poller, published } = make(store);
    await poller.pollOnce();
    const seqs = published.flatMap((m) => ('seq' in m ? [m.seq] : []));
    expect(seqs).toEqual([1, 2]);
    expect(await store.lastSeq()).toBe(2);
  });

  it("groups the client's new transfer on a disk after a failed one as the next attempt", async () => {
    const { engine, store, c, make } = await setup();
    const first = engine.startScenario('upload-retried');
    const { poller } = make(store);
    for (let i = 0; i < 20; i++) {
      await poller.pollOnce();
      c.advance(1000);
    }
    const ops = (await store.listOperations({ limit: 10, offset: 0 })).items;
    const second = ops.find((o) => o.nativeId !== first.id);
    expect(second).toMatchObject({ attempt: 2, attemptOf: `sim:${first.id}`, subject: { id: first.diskId } });
    expect(ops.find((o) => o.nativeId === first.id)).toMatchObject({ attempt: 1, attemptOf: null, state: 'cancelled' });
    // A new transfer after a success is a new job, not an attempt.
    engine.startScenario('upload-success');
    await poller.pollOnce();
    expect((await store.listOperations({ limit: 10, offset: 0 })).items.filter((o) => o.attempt > 1)).toHaveLength(1);
  });
});

describe('ConnectionPoller while idle: the cheap change check', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** The simulated engine on the wall clock: these tests are about the poller's own timers. */
  async function setup(watchMs?: number) {
    const engine = new SimOvirtEngine();
    const sim = new OvirtSimServer({ username: 'u', password: 'p', engine });
    const url = await sim.start();
    cleanups.push(() => sim.stop());
    const store = openSqliteStore(tempDir());
    cleanups.push(() => store.close());
    const adapter = createOvirtAdapter({ url, username: 'u', password: 'p', log: logger });
    const log = logger.child({});
    const make = (a = adapter) => {
      const poller = new ConnectionPoller({
        connectionId: 'sim',
        engine: 'ovirt',
        adapter: a,
        store,
        bus: createMemoryBus(),
        log,
        fastMs: 1000,
        slowMs: 10_000,
        watchMs,
      });
      cleanups.unshift(() => poller.stop());
      return poller;
    };
    const calls = (route: string) => sim.stats.byRoute[route] ?? 0;
    return { engine, store, adapter, log, make, lists: () => calls('GET /imagetransfers'), checks: () => calls('GET /events') };
  }

  it('lists a transfer started while idle within 1.5 s, with only the change check in between', { timeout: 15_000 }, async () => {
    const { engine, store, make, lists, checks } = await setup();
    const poller = make();
    await poller.start();
    // The first check has no cursor yet: it counts as a change, and one more poll follows.
    await sleep(2500);
    const [listsBefore, checksBefore] = [lists(), checks()];
    await sleep(2000);
    expect(lists() - listsBefore).toBe(0);
    expect(checks() - checksBefore).toBeGreaterThanOrEqual(1);
    expect(checks() - checksBefore).toBeLessThanOrEqual(3);

    const t = engine.startScenario('upload-success');
    const started = Date.now();
    while (!(await store.getOperation(`sim:${t.id}`)) && Date.now() - started < 5000) await sleep(20);
    expect(Date.now() - started).toBeLessThan(1500);
    // one full list, the one the change check asked for
    expect(lists() - listsBefore).toBe(1);
  });

  it('a failing change check neither degrades the connection nor spins; it is tried again after the next poll', { timeout: 10_000 }, async () => {
    const { adapter, log, make, lists } = await setup(100);
    let tried = 0;
    const failing = {
      ...adapter,
      changedSince: async () => {
        tried += 1;
        throw new AppError('engine_unreachable', 'the events service is down');
      },
    };
    const debug = vi.spyOn(log, 'debug');
    const poller = make(failing);
    await poller.start();
    await sleep(1000);
    expect(tried).toBe(1);
    expect(lists()).toBe(1);
    expect(poller.status).toMatchObject({ status: 'ok', consecutiveFailures: 0, lastError: null });
    expect(debug).toHaveBeenCalledWith(expect.objectContaining({ err: 'the events service is down' }), 'change check failed; the slow poll goes on');
    // the next poll (here a nudge; otherwise the slow one) starts it again
    poller.nudge(0);
    await sleep(600);
    expect(tried).toBe(2);
    expect(lists()).toBe(2);
    expect(poller.status.status).toBe('ok');
  });
});

describe('ConnectionPoller while busy', () => {
  it('starts polls on a 1 s beat however long a list takes, and never back to back', { timeout: 15_000 }, async () => {
    const engine = new SimOvirtEngine();
    const sim = new OvirtSimServer({ username: 'u', password: 'p', engine });
    const url = await sim.start();
    const store = openSqliteStore(tempDir());
    const poller = new ConnectionPoller({
      connectionId: 'sim',
      engine: 'ovirt',
      adapter: createOvirtAdapter({ url, username: 'u', password: 'p', log: logger }),
      store,
      bus: createMemoryBus(),
      log: logger,
      fastMs: 1000,
      slowMs: 10_000,
    });
    try {
      engine.startScenario('upload-awaits-finalize', { speed: 0.01 }); // in transition for the whole test
      await poller.pollOnce();
      // a loaded engine: every answer takes 600 ms
      sim.setLatency(600);
      const lists = () => sim.stats.byRoute['GET /imagetransfers'] ?? 0;
      const before = lists();
      await poller.start();
      await sleep(6_000);
      // start to start 1 s: about 6 lists (not 3–4, as with 1 s after each 600 ms list)
      expect(lists() - before).toBeGreaterThanOrEqual(5);
      // and a list that outlasts the period is followed by a pause of at least 200 ms, not another at once
      sim.setLatency(1_500);
      const slowBefore = lists();
      await sleep(5_000);
      expect(lists() - slowBefore).toBeLessThanOrEqual(4);
    } finally {
      poller.stop();
      await sim.stop();
      store.close();
    }
  });
});
