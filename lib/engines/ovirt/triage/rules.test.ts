import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { ConnectionPoller } from '@/lib/collector/poller';
import { logger } from '@/lib/log/logger';
import { SimOvirtEngine } from '@/lib/engines/ovirt/sim/engine';
import { OvirtSimServer } from '@/lib/engines/ovirt/sim/server';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import { tempDir } from '@/lib/testing/temp-dir';
import { TriageEvaluator } from '@/lib/triage/evaluator';
import { applyMark } from '@/lib/triage/marks';
import { createOvirtAdapter } from '../adapter';
import { OVIRT_RULES } from './rules';

/**
 * oVirt's rules end to end: the simulated engine over HTTP, the real adapter,
 * poller and store, and the evaluator after every cycle, on a manual clock.
 */
describe('oVirt triage rules against the simulated engine', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const now = () => t;
    const engine = new SimOvirtEngine(now);
    const sim = new OvirtSimServer({ username: 'u', password: 'p', engine });
    const url = await sim.start();
    const store = openSqliteStore(tempDir());
    cleanups.push(
      () => sim.stop(),
      () => store.close(),
    );
    const bus = createMemoryBus();
    const evaluator = new TriageEvaluator({
      store,
      bus,
      log: logger,
      rulesFor: () => OVIRT_RULES,
      now,
      expectedPhaseS: { pending: 120, finalizing: 20, running: 1800 },
    });
    const adapter = createOvirtAdapter({ url, username: 'u', password: 'p', log: logger, now });
    const poller = new ConnectionPoller({
      connectionId: 'lab',
      engine: 'ovirt',
      adapter,
      store,
      bus,
      log: logger,
      fastMs: 1000,
      slowMs: 10_000,
      now,
      onCycle: evaluator.onCycle,
    });
    /** advances the clock in 1 s polls, like the collector while busy */
    const run = async (ms: number) => {
      for (let left = ms; left > 0; left -= 1000) {
        t += Math.min(1000, left);
        await poller.pollOnce();
        await evaluator.idle();
      }
    };
    const findings = async (status?: 'open' | 'resolved') => (await store.listFindings({ status, limit: 100, offset: 0 })).items;
    return { engine, store, run, findings, now };
  }

  it('one incident, one story: idle, then paused by the engine, chain; another disk and a later incident do not', async () => {
    const { engine, store, run, findings } = await setup();
    engine.startScenario('inactivity-paused');
    await run(24_000);
    const [idle] = await findings('open');
    expect(idle).toMatchObject({ ruleId: 'ovirt.client-inactive', incident: null });
    const other = engine.startScenario('inactivity-paused'); // another disk, same story, its own incident
    await run(16_000);
    const paused = (await findings('open')).find((f) => f.ruleId === 'ovirt.paused-system' && f.subjectName === idle!.subjectName);
    expect(paused?.incident).toBe(idle!.id);
    expect((await store.incidentFindings(idle!.id)).map((f) => f.ruleId)).toEqual(['ovirt.client-inactive', 'ovirt.paused-system']);
    await run(12_000); // the other disk is idle long enough for its own finding
    const others = (await findings()).filter((f) => f.operationId === `lab:${other.id}`);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((f) => f.incident !== idle!.id)).toBe(true);
  });

  it('warns of client inactivity, then explains paused_system and offers resume before cancel', async () => {
    const { engine, run, findings } = await setup();
    const tr = engine.startScenario('inactivity-paused'); // 30 s inactivity timeout
    await run(8000); // initializing, then 40 % sent
    expect(await findings()).toEqual([]);
    await run(16_000); // idle for more than half the timeout
    const [idle] = await findings('open');
    expect(idle).toMatchObject({ ruleId: 'ovirt.client-inactive', severity: 'warning', operationId: `lab:${tr.id}` });
    expect(idle?.title).toBe('Client idle: oVirt pauses this transfer after 30 s without data');
    expect(idle?.explanation).toMatch(
      /^No data has been sent for 1\d\.\d s \(since .*\)\. After 30 s without data oVirt pauses the transfer \(paused_system\): in about 1\d\.\d s\.$/,
    );
    await run(16_000); // past the timeout: paused_system
    const open = await findings('open');
    expect(open.map((f) => f.ruleId)).toEqual(['ovirt.paused-system']);
    expect(open[0]?.cause).toContain('inactivity timeout (30 s)');
    expect(open[0]?.remedies.map((r) => [r.rank, r.playbookId])).toEqual([
      [1, 'ovirt.resume-transfer'],
      [2, 'ovirt.cancel-transfer'],
    ]);
    const resolved = await findings('resolved');
    expect(resolved[0]).toMatchObject({ ruleId: 'ovirt.client-inactive', resolution: 'condition cleared: db01_Disk1 is now paused_system (paused)' });
  });

  it('flags a finalize stuck past its expected time, and resolves it when the engine moves on', async () => {
    const { engine, run, findings } = await setup();
    const tr = engine.startScenario('stuck-finalizing');
    await run(9000);
    engine.act(tr.id, 'finalize');
    await run(19_000);
    expect(await findings('open')).toEqual([]);
    await run(3000);
    const [stuck] = await findings('open');
    expect(stuck).toMatchObject({ ruleId: 'ovirt.finalizing-stuck', severity: 'critical' });
    expect(stuck?.title).toBe('Stuck in finalizing_success past its expected 20.0 s');
    expect(stuck?.explanation).toMatch(/^The transfer has been finalizing_success for 2\d\.\d s\./);
    tr.release(engine.now());
    await run(6000);
    expect(await findings('open')).toEqual([]);
    expect((await findings('resolved'))[0]?.resolution).toMatch(/is now finished_success \(succeeded\)$/);
  });

  it('tells not to trust a disk that is OK while its transfer still finalizes, past the normal gap', async () => {
    const { engine, run, findings } = await setup();
    engine.startScenario('slow-unlock');
    await run(8000 + 6000); // sent and finalizing, disk OK for 4 s: the normal gap
    expect((await findings('open')).map((f) => f.ruleId)).not.toContain('ovirt.disk-ok-finalizing');
    await run(5000);
    const f = (await findings('open')).find((x) => x.ruleId === 'ovirt.disk-ok-finalizing');
    expect(f?.severity).toBe('info');
    expect(f?.explanation).toContain('Only finished_success says the disk is ready');
  });

  it('flags a disk left LOCKED once its transfer is gone, and clears when the disk is unlocked', async () => {
    const { engine, run, findings } = await setup();
    const tr = engine.startScenario('orphaned-disk-lock');
    await run(12_000); // sent, finalize, transfer dropped: resolved as unknown
    expect(await findings('open')).toEqual([]);
    await run(16_000);
    const [locked] = await findings('open');
    expect(locked).toMatchObject({ ruleId: 'ovirt.disk-locked-orphan', severity: 'critical', operationId: `lab:${tr.id}` });
    expect(locked?.remedies[0]?.playbookId).toBe('ovirt.unlock-disk');
    engine.setDiskStatus(tr.diskId, 'ok'); // unlock_entity.sh on the engine
    await run(61_000); // the poller looks again at unknown outcomes every minute
    expect(await findings('open')).toEqual([]);
    expect((await findings('resolved'))[0]?.resolution).toMatch(/disk .* is OK$/);
  });

  it('does not reopen a finding someone marked resolved, while its condition still holds', async () => {
    const { engine, store, run, findings, now } = await setup();
    const tr = engine.startScenario('stuck-finalizing');
    await run(9000);
    engine.act(tr.id, 'finalize');
    await run(25_000);
    const [stuck] = await findings('open');
    const { finding } = applyMark(stuck!, 'resolve', { note: 'known engine bug, ticket 42' }, { kind: 'user', id: 'u-alice', name: 'alice' }, now());
    await store.saveFinding(finding);
    await run(5000);
    expect(await findings('open')).toEqual([]);
    expect((await findings('resolved'))[0]?.resolution).toBe('marked resolved by alice: known engine bug, ticket 42');
  });
});
