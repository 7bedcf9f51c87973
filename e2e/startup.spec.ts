import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort, runToCompletion, startProcess, stopProcess, type Started } from '../lib/testing/processes';

// These tests start their own servers (a standalone simulator, phaseboard
// pointed at it by URL) so they can stop and restart them.
const NEXT = ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p'];

test('an invalid config stops startup with a message naming the bad field', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-badcfg-'));
  const config = path.join(dir, 'phaseboard.config.json');
  fs.writeFileSync(config, JSON.stringify({ engines: [{ id: 'prod', engine: 'ovirt', url: 'https://engine.example/ovirt-engine', username: 'admin@internal', password: 'x', pollIntervalMs: { fast: 5000 } }] }));
  const port = await freePort();
  const run = await runToCompletion(process.execPath, [...NEXT, String(port)], { PHASEBOARD_CONFIG: config, PHASEBOARD_DATA_DIR: path.join(dir, 'data') }, 30_000);
  expect(run.code, run.output).toBe(1);
  expect(run.output).toContain('phaseboard: cannot start: invalid config');
  expect(run.output).toMatch(/engines\[0\]\.pollIntervalMs\.fast: /);
});

test('restarting phaseboard mid-transfer keeps the timeline and continues it without duplicates', async () => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-restart-'));
  const [simPort, webPort] = [await freePort(), await freePort()];
  const sim = `http://127.0.0.1:${simPort}`;
  const web = `http://127.0.0.1:${webPort}`;
  const started: Started[] = [];
  const startPhaseboard = async () => {
    const p = await startProcess(
      'phaseboard',
      process.execPath,
      [...NEXT, String(webPort)],
      {
        PHASEBOARD_SIMULATOR: 'off',
        PHASEBOARD_DATA_DIR: dataDir,
        PHASEBOARD_LOG_LEVEL: 'warn',
        PHASEBOARD_OVIRT_ID: 'lab',
        PHASEBOARD_OVIRT_URL: `${sim}/ovirt-engine`,
        PHASEBOARD_OVIRT_USERNAME: 'admin@internal',
        PHASEBOARD_OVIRT_PASSWORD: 'restart-test',
      },
      async () => (await fetch(`${web}/api/health`)).ok,
    );
    started.push(p);
    return p;
  };
  try {
    started.push(
      await startProcess('simulator', process.execPath, ['--import', 'tsx', 'lib/sim/cli.ts'], { SIM_PORT: String(simPort), SIM_MIX: '0', SIM_PASSWORD: 'restart-test' }, async () => (await fetch(`${sim}/sim/stats`)).ok),
    );
    const first = await startPhaseboard();
    const res = await fetch(`${sim}/sim/scenarios/upload-success/start`, { method: 'POST', body: JSON.stringify({ speed: 1 }) });
    expect(res.status).toBe(201);
    const { transferId } = (await res.json()) as { transferId: string };
    const url = `${web}/api/operations/${encodeURIComponent(`lab:${transferId}`)}`;
    const get = async () => (await (await fetch(url)).json()) as { operation?: { nativePhase: string; state: string }; timeline: { seq: number; entry: { type: string; to?: string; from?: string; nativePhase?: string } }[] };

    await expect.poll(async () => (await get().catch(() => null))?.operation?.nativePhase, { timeout: 20_000 }).toBe('transferring');
    await stopProcess(first.child);
    await new Promise((r) => setTimeout(r, 3000)); // the engine carries on while phaseboard is down
    await startPhaseboard();

    await expect.poll(async () => (await get().catch(() => null))?.operation?.nativePhase, { timeout: 60_000 }).toBe('finished_success');
    const { operation, timeline } = await get();
    expect(operation?.state).toBe('succeeded');
    const seqs = timeline.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const phaseEntries = timeline.filter((e) => e.entry.type === 'observed' || e.entry.type === 'phase');
    expect(phaseEntries.filter((e) => e.entry.type === 'observed')).toHaveLength(1);
    const phases = phaseEntries.map((e) => e.entry.nativePhase ?? e.entry.to);
    // every change once, each starting where the last ended, across the restart
    expect(new Set(phases).size, phases.join(' → ')).toBe(phases.length);
    for (let i = 1; i < phaseEntries.length; i++) expect(phaseEntries[i]!.entry.from).toBe(phases[i - 1]);
    expect(phases).toContain('transferring');
    expect(phases.at(-1)).toBe('finished_success');
  } finally {
    for (const p of started.reverse()) await stopProcess(p.child);
  }
});
