import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort, runToCompletion, startOvirtSimulator, stopProcess, type Started } from '../lib/testing/processes';
import { startPhaseboard } from './spawn';

// These tests start their own servers (a standalone simulator, phaseboard
// pointed at it by URL) so they can stop, kill and restart them.
test.use({ storageState: { cookies: [], origins: [] } });

const ovirtEnv = (simPort: number, password: string) => ({
  PHASEBOARD_SIMULATOR: 'off',
  PHASEBOARD_OVIRT_ID: 'lab',
  PHASEBOARD_OVIRT_URL: `http://127.0.0.1:${simPort}/ovirt-engine`,
  // the simulator speaks plain http on loopback
  PHASEBOARD_OVIRT_INSECURE: 'true',
  PHASEBOARD_OVIRT_USERNAME: 'admin@internal',
  PHASEBOARD_OVIRT_PASSWORD: password,
});

test('an invalid config stops startup with a message naming the bad field', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-badcfg-'));
  const config = path.join(dir, 'phaseboard.config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      engines: [
        { id: 'prod', engine: 'ovirt', url: 'https://engine.example/ovirt-engine', username: 'admin@internal', password: 'x', pollIntervalMs: { fast: 5000 } },
      ],
    }),
  );
  const run = await runToCompletion(
    process.execPath,
    ['scripts/start.mjs'],
    { PORT: String(await freePort()), PHASEBOARD_CONFIG: config, PHASEBOARD_DATA_DIR: path.join(dir, 'data') },
    30_000,
  );
  expect(run.code, run.output).toBe(1);
  expect(run.output).toContain('phaseboard: cannot start: invalid config');
  expect(run.output).toMatch(/engines\[0\]\.pollIntervalMs\.fast: /);
});

test('a libvirt URI that would run a program stops startup before anything runs, naming the parameter', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-baduri-'));
  const proof = path.join(dir, 'RAN');
  const script = path.join(dir, 'proof.sh');
  fs.writeFileSync(script, `#!/bin/sh\ntouch ${proof}\n`, { mode: 0o755 });
  for (const uri of [
    `qemu+ext:///system?command=${script}`,
    `qemu+ssh://root@localhost/system?command=${script}`,
    `qemu+ssh://root@localhost/system?netcat=${script}`,
  ]) {
    const run = await runToCompletion(
      process.execPath,
      ['scripts/start.mjs'],
      { PORT: String(await freePort()), PHASEBOARD_LIBVIRT_URI: uri, PHASEBOARD_DATA_DIR: path.join(dir, 'data') },
      30_000,
    );
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(
      /phaseboard: cannot start: invalid config .*engines\[0\]\.uri: (transport "ext"|parameter "command"|parameter "netcat") is not allowed/,
    );
  }
  expect(fs.existsSync(proof)).toBe(false);
});

test('restarting phaseboard mid-transfer keeps the timeline and continues it without duplicates', async () => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-restart-'));
  const [simPort, webPort] = [await freePort(), await freePort()];
  const sim = `http://127.0.0.1:${simPort}`;
  const started: Started[] = [];
  try {
    started.push(await startOvirtSimulator(simPort, 'restart-test'));
    const first = await startPhaseboard(ovirtEnv(simPort, 'restart-test'), { dataDir, port: webPort });
    started.push(first);
    const res = await fetch(`${sim}/sim/scenarios/upload-success/start`, { method: 'POST', body: JSON.stringify({ speed: 1 }) });
    expect(res.status).toBe(201);
    const { transferId } = (await res.json()) as { transferId: string };
    const get = async () =>
      (await (await first.api(`/api/operations/${encodeURIComponent(`lab:${transferId}`)}`)).json()) as {
        operation?: { nativePhase: string; state: string };
        timeline: { seq: number; entry: { type: string; to?: string; from?: string; nativePhase?: string } }[];
      };

    await expect.poll(async () => (await get().catch(() => null))?.operation?.nativePhase, { timeout: 20_000 }).toBe('transferring');
    await stopProcess(first.child);
    await new Promise((r) => setTimeout(r, 3000)); // the engine carries on while phaseboard is down
    started.push(await startPhaseboard(ovirtEnv(simPort, 'restart-test'), { dataDir, port: webPort }));

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

test('kill -9 during a finalize: after the restart the run is interrupted, re-checked and said in the timeline', async () => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-kill-'));
  const [simPort, webPort] = [await freePort(), await freePort()];
  const sim = `http://127.0.0.1:${simPort}`;
  const started: Started[] = [];
  try {
    started.push(await startOvirtSimulator(simPort, 'kill-test'));
    const first = await startPhaseboard(ovirtEnv(simPort, 'kill-test'), { dataDir, port: webPort });
    const { transferId } = (await (
      await fetch(`${sim}/sim/scenarios/upload-awaits-finalize/start`, { method: 'POST', body: JSON.stringify({ speed: 20 }) })
    ).json()) as { transferId: string };
    const id = encodeURIComponent(`lab:${transferId}`);
    const detail = async (p = first) =>
      (await (await p.api(`/api/operations/${id}`)).json()) as {
        operation?: { actions: { name: string; enabled: boolean }[] };
        actionRuns: { id: string; status: string; message: string | null }[];
        timeline: { entry: { type: string; engineNow?: string } }[];
      };
    await expect
      .poll(async () => (await detail().catch(() => null))?.operation?.actions.find((a) => a.name === 'finalize')?.enabled, { timeout: 30_000 })
      .toBe(true);
    // The engine now takes 4 s per answer: the finalize is in flight when phaseboard dies.
    await fetch(`${sim}/sim/latency`, { method: 'POST', body: JSON.stringify({ ms: 4000 }) });
    const sent = await first.api(`/api/operations/${id}/actions/finalize`, { method: 'POST', body: '{}' });
    expect(sent.status, await sent.text()).toBe(202);
    await expect.poll(async () => (await detail()).actionRuns[0]?.status, { timeout: 10_000 }).toBe('running');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await fetch(`${sim}/sim/latency`, { method: 'POST', body: JSON.stringify({ ms: 0 }) });

    const second = await startPhaseboard(ovirtEnv(simPort, 'kill-test'), { dataDir, port: webPort });
    started.push(second);
    await expect.poll(async () => (await detail(second)).actionRuns[0]?.status, { timeout: 20_000 }).toBe('interrupted');
    const after = await detail(second);
    expect(after.actionRuns[0]!.message).toMatch(/^interrupted: phaseboard stopped while it ran; the engine (shows \w+ \(\w+\)|no longer lists it)/);
    expect(after.timeline.some((e) => e.entry.type === 'action_interrupted' && /the engine (shows|no longer)/.test(e.entry.engineNow ?? ''))).toBe(true);
  } finally {
    for (const p of started.reverse()) await stopProcess(p.child);
  }
});

test('SIGTERM ends open event streams and stops within 5 s; a second process on the same data dir is refused', async () => {
  test.setTimeout(60_000);
  const pb = await startPhaseboard({ PHASEBOARD_SIM_MIX: '2' });
  // A second phaseboard on the same data dir: refused, saying why.
  const second = await runToCompletion(process.execPath, ['scripts/start.mjs'], { PORT: String(await freePort()), PHASEBOARD_DATA_DIR: pb.dataDir }, 30_000);
  expect(second.code, second.output).toBe(1);
  expect(second.output).toContain(`another phaseboard process is using the data directory ${pb.dataDir}`);

  const streams = await Promise.all([1, 2, 3].map(() => pb.api('/api/stream')));
  const ended = streams.map(async (s) => {
    const reader = s.body!.getReader();
    for (;;) if ((await reader.read()).done) return Date.now();
  });
  const t0 = Date.now();
  const exited = new Promise<number>((r) => pb.child.once('exit', () => r(Date.now())));
  pb.child.kill('SIGTERM');
  const exitAt = await exited;
  expect(exitAt - t0).toBeLessThan(5000);
  for (const at of await Promise.all(ended)) expect(at - t0).toBeLessThan(5000);
  expect(pb.child.exitCode).toBe(0);
});

test('the first start makes an admin and prints a one-time login link that works once', async ({ page }) => {
  test.setTimeout(60_000);
  const pb = await startPhaseboard({ PHASEBOARD_SIM_MIX: '0' });
  try {
    const printed = pb.output();
    expect(printed).toContain('first start — an admin user was created');
    const link = /(http:\/\/\S+\/login#link=[\w-]+)/.exec(printed)?.[1];
    expect(link).toBeTruthy();
    await page.goto(link!);
    await page.getByRole('button', { name: 'Log in with this link' }).click();
    await expect(page.getByTestId('whoami')).toHaveText('admin');
    await expect(page.getByTestId('my-role')).toHaveText('admin');
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto(link!);
    await page.getByRole('button', { name: 'Log in with this link' }).click();
    await expect(page.getByTestId('login-error')).toContainText('This login link has been used or has expired');
    // The password printed beside it still works.
    const password = /password: (\S+)/.exec(printed)![1]!;
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(page.getByTestId('whoami')).toHaveText('admin');
    // Printed once: a restart says nothing about it.
    await stopProcess(pb.child);
    const again = await startPhaseboard({ PHASEBOARD_SIM_MIX: '0' }, { dataDir: pb.dataDir });
    expect(again.output()).not.toContain('first start');
    await stopProcess(again.child);
  } finally {
    await stopProcess(pb.child);
  }
});
