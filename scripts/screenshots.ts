/**
 * `npm run screenshots`: the README's pictures, taken from a real run.
 *
 * Starts a production phaseboard of its own (the embedded simulators, a fresh
 * store), starts the tour's scenarios, waits until each has reached the moment
 * worth showing, and saves the pages to public/ at 1440×900 (and one phone
 * board at 390×844), in Debian's Chromium.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '@/lib/testing/chromium';
import { freePort, sleep, startProcess, stopProcess } from '@/lib/testing/processes';

const OUT = 'public';
const token = randomBytes(24).toString('base64url');
const password = randomBytes(18).toString('base64url');

async function main() {
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('no production build: run `npx next build` first');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    'phaseboard',
    process.execPath,
    ['scripts/start.mjs'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      PHASEBOARD_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-shots-')),
      PHASEBOARD_ADMIN_TOKEN: token,
      PHASEBOARD_SIM_MIX: '6',
      PHASEBOARD_LOG_LEVEL: 'warn',
    },
    async () => (await fetch(`${base}/api/health`)).ok,
  );
  const api = async (pathname: string, body?: unknown) => {
    const res = await fetch(`${base}${pathname}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    await api('/api/users', { username: 'ana', role: 'admin', password });
    const start = async (scenario: string, speed: number) => String((await api(`/api/demo/scenarios/${scenario}/start`, { speed })).operationId);
    const waiting = await start('upload-awaits-finalize', 2);
    const migration = await start('migration-not-converging', 2);
    const paused = await start('inactivity-paused', 4);
    const upload = await start('upload-success', 1);
    await start('copy-awaits-pivot', 2);
    console.log('screenshots: letting the scenarios reach their moments (25 s)');
    await sleep(25_000);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: base });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Username').fill('ana');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByTestId('whoami').waitFor();

    const shot = async (p: Page, name: string) => {
      await p.waitForLoadState('networkidle').catch(() => undefined);
      await sleep(800);
      await p.screenshot({ path: path.join(OUT, name) });
      console.log(`screenshots: ${OUT}/${name}`);
    };
    await page.goto('/');
    await page.getByTestId('board-row').first().waitFor();
    await page.getByTestId('throughput').locator('summary').click();
    await page.getByTestId('throughput-chart').waitFor();
    await shot(page, 'screenshot-board.png');

    await page.goto(`/operations/${encodeURIComponent(upload)}`);
    await page.getByTestId('rate-chart').waitFor();
    await shot(page, 'screenshot-operation.png');
    await page.goto(`/operations/${encodeURIComponent(migration)}`);
    await page.getByTestId('convergence').waitFor();
    await shot(page, 'screenshot-migration.png');
    await page.goto(`/operations/${encodeURIComponent(waiting)}`);
    await page.getByTestId('pipeline').waitFor();
    await shot(page, 'screenshot-needs-you.png');

    await page.goto('/triage');
    await page.getByTestId('finding-row').first().waitFor();
    await shot(page, 'screenshot-triage.png');
    const findings = (await api(`/api/findings?view=all&operation=${encodeURIComponent(paused)}`)).items as { id: string; ruleId: string }[];
    const pausedFinding = findings.find((f) => f.ruleId === 'ovirt.paused-system');
    if (pausedFinding) {
      await page.goto(`/triage/${pausedFinding.id}`);
      await page.getByTestId('finding-title').waitFor();
      await shot(page, 'screenshot-finding.png');
    }
    await page.goto('/demo');
    await page.getByTestId('scenario').first().waitFor();
    await shot(page, 'screenshot-demo.png');

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: base, storageState: await context.storageState() });
    const p2 = await phone.newPage();
    await p2.goto('/');
    await p2.getByTestId('board-row').first().waitFor();
    await shot(p2, 'screenshot-phone.png');
  } finally {
    await browser.close();
    await stopProcess(server.child);
  }
}

await main();
