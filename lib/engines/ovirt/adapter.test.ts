import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '@/lib/log/logger';
import { createOvirtAdapter } from './adapter';
import { SimOvirtEngine } from './sim/engine';
import { OvirtSimServer } from './sim/server';

/** A manual clock shared by the simulated engine and the adapter. */
function clock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("the simulated oVirt engine's audit log, read as oVirt's GET /api/events", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    const c = clock();
    const engine = new SimOvirtEngine(c.now);
    const sim = new OvirtSimServer({ username: 'u', password: 'p', engine });
    const url = await sim.start();
    cleanups.push(() => sim.stop());
    const adapter = createOvirtAdapter({ url, username: 'u', password: 'p', log: logger, now: c.now });
    return { c, engine, sim, adapter };
  }

  it('logs a transfer as oVirt does: initiated, paused by the system, resumed, succeeded; newest first, after `from`, at most `max`', async () => {
    const { c, engine, sim, adapter } = await setup();
    // the client's own SSO login is the first entry (USER_VDC_LOGIN)
    expect((await adapter.client.eventList(null, 100)).map((e) => e.code)).toEqual([30]);
    const t = engine.startScenario('inactivity-paused');
    const started = c.now();
    // 40 % sent, then the client stalls; oVirt pauses the upload after its inactivity timeout
    for (let i = 0; i < 40 && engine.getTransfer(t.id)?.phase !== 'paused_system'; i++) c.advance(1000);
    engine.listTransfers();
    expect(engine.act(t.id, 'resume')).toBeNull();
    for (let i = 0; i < 40 && !engine.getTransfer(t.id)?.phase.startsWith('finished_'); i++) c.advance(1000);

    const all = await adapter.client.eventList(null, 100);
    expect(all.map((e) => e.code)).toEqual([1032, 1074, 1071, 1031, 30]);
    expect(all.map((e) => e.id)).toEqual([5, 4, 3, 2, 1]);
    const disk = engine.disks.get(t.diskId)?.name;
    expect(all.find((e) => e.code === 1031)).toMatchObject({
      severity: 'normal',
      time: started,
      description: `Image Upload with disk ${disk} was initiated by admin@internal-authz.`,
    });
    expect(all.find((e) => e.code === 1071)).toMatchObject({ severity: 'error', time: t.history.find((h) => h.phase === 'paused_system')?.at });
    expect(all[0]).toMatchObject({ time: t.history.at(-1)?.at, description: `Image Upload with disk ${disk} succeeded.` });

    expect((await adapter.client.eventList(3, 100)).map((e) => e.id)).toEqual([5, 4]);
    expect((await adapter.client.eventList(null, 2)).map((e) => e.id)).toEqual([5, 4]);
    expect(await adapter.client.eventList(5, 100)).toEqual([]);
    expect(sim.stats.byRoute['GET /events']).toBe(5);
  });

  it('ends a cancelled upload with one "cancelled" entry, though it goes on to finished_cleanup', async () => {
    const { c, engine, adapter } = await setup();
    const t = engine.startScenario('user-cancel');
    for (let i = 0; i < 30 && !engine.getTransfer(t.id)?.phase.startsWith('finished_'); i++) c.advance(1000);
    expect(t.history.map((h) => h.phase).slice(-4)).toEqual(['transferring', 'cancelled_user', 'finalizing_cleanup', 'finished_cleanup']);
    // newest first: the transfer's two entries, after the client's login
    expect((await adapter.client.eventList(null, 100)).map((e) => e.code)).toEqual([1033, 1031, 30]);
  });

  it('changedSince: a new transfer is a change, logins and progress are not', async () => {
    const { c, engine, adapter } = await setup();
    const first = await adapter.changedSince!(null);
    expect(first.changed).toBe(true);
    const quiet = await adapter.changedSince!(first.cursor);
    expect(quiet).toEqual({ changed: false, cursor: first.cursor });
    engine.audit(30, 'normal', 'User someone@internal-authz connecting from 10.0.0.9 logged in.');
    const login = await adapter.changedSince!(quiet.cursor);
    expect(login.changed).toBe(false);
    expect(Number(login.cursor)).toBeGreaterThan(Number(quiet.cursor));

    const t = engine.startScenario('upload-success');
    const started = await adapter.changedSince!(login.cursor);
    expect(started.changed).toBe(true);
    // data flowing and phases without an audit-log entry (transferring) are no change
    c.advance(5000);
    expect(engine.getTransfer(t.id)?.phase).toBe('transferring');
    expect(await adapter.changedSince!(started.cursor)).toEqual({ changed: false, cursor: started.cursor });
  });
});
