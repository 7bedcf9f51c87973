import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/load-config';
import { startRuntime, type Runtime } from '@/lib/runtime/runtime';
import { tempDir } from '@/lib/testing/temp-dir';
import { scenarioStart, skipAhead, stageSet } from './demo';

/** Skipping dull minutes of a demo (or a test): only the simulated engines move, and the board has caught up when it answers. */
describe('skipping ahead on the simulator', () => {
  let rt: Runtime | undefined;
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
  });
  const start = async () => {
    const dir = tempDir();
    rt = await startRuntime(loadConfig({ PHASEBOARD_DATA_DIR: path.join(dir, 'data'), PHASEBOARD_SIM_MIX: '0' }, dir));
    return rt;
  };

  it('moves one operation ahead: an idle upload reaches oVirt’s inactivity pause at once, and triage has already seen it', async () => {
    const rt = await start();
    const { operationId } = await scenarioStart(rt, 'inactivity-paused', {});
    const other = await scenarioStart(rt, 'upload-success', {});
    await skipAhead(rt, { seconds: 120, operationId });
    expect(await rt.store.getOperation(operationId)).toMatchObject({ nativePhase: 'paused_system', state: 'paused' });
    const findings = (await rt.store.listFindings({ status: 'open', limit: 50, offset: 0 })).items;
    expect(findings.filter((f) => f.operationId === operationId).map((f) => f.ruleId)).toContain('ovirt.paused-system');
    // the others keep their pace
    expect((await rt.store.getOperation(other.operationId))?.nativePhase).toMatch(/^(initializing|transferring)$/);
  });

  it('moves every simulated engine ahead, libvirt included, without touching phaseboard’s clock', async () => {
    const rt = await start();
    const { operationId } = await scenarioStart(rt, 'copy-awaits-pivot', {});
    const before = Date.now();
    const r = await skipAhead(rt, { seconds: 600 });
    expect(r.totalSkippedSeconds).toBe(600);
    expect(await rt.store.getOperation(operationId)).toMatchObject({ state: 'ready', nativePhase: 'ready' });
    expect(Date.now() - before).toBeLessThan(60_000);
  });

  it('names what is wrong with a skip it cannot make', async () => {
    const rt = await start();
    await expect(skipAhead(rt, { seconds: 0 })).rejects.toThrow(/^skip: seconds: /);
    await expect(skipAhead(rt, { seconds: 5, operationId: 'sim-ovirt:nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('the quiet stage', () => {
  let rt: Runtime | undefined;
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
  });

  it('pauses the mix of every simulator and draws its line after what the mix started; a bad body names the field', async () => {
    const dir = tempDir();
    rt = await startRuntime(loadConfig({ PHASEBOARD_DATA_DIR: path.join(dir, 'data'), PHASEBOARD_SIM_MIX: '3' }, dir));
    await expect(stageSet(rt, { quiet: 'yes' })).rejects.toMatchObject({ code: 'invalid_input', field: 'quiet' });
    const on = await stageSet(rt, { quiet: true });
    expect(on).toMatchObject({ quiet: true, since: expect.any(String) });
    // everything the mix had started was seen before the line: nothing on Live starts after it
    const after = await rt.store.listOperations({ view: 'live', startedFrom: Date.parse(on.since!), limit: 100, offset: 0 });
    expect(after.items).toEqual([]);
    // and it starts nothing more, though simulated time runs on past its refill ticks
    await skipAhead(rt, { seconds: 600 });
    await new Promise((r) => setTimeout(r, 2500));
    await skipAhead(rt, { seconds: 1 });
    expect((await rt.store.listOperations({ startedFrom: Date.parse(on.since!), limit: 100, offset: 0 })).items).toEqual([]);
    expect(await stageSet(rt, { quiet: false })).toMatchObject({ quiet: false, since: null });
  });
});
