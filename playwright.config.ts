import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { E2E_ADMIN_TOKEN, stateOf } from './e2e/auth';
import { WEBHOOK_PORT, WEBHOOK_SECRET } from './e2e/webhook-receiver';

const port = Number(process.env.E2E_PORT ?? 3217);

// A fresh embedded store per run: tests see only what they and the mix made.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-e2e-'));

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 2,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Logged in as the e2e admin unless a spec says otherwise (test.use({ storageState: stateOf('viewer') })).
    storageState: stateOf('admin'),
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  webServer: {
    command: 'node scripts/start.mjs',
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      PHASEBOARD_DATA_DIR: dataDir,
      PHASEBOARD_SIM_MIX: '3',
      PHASEBOARD_LOG_LEVEL: 'warn',
      PHASEBOARD_TRIAGE_FINALIZING_S: '8',
      // the real libvirtd that scripts/libvirt/up.sh started, beside the embedded oVirt simulator
      PHASEBOARD_LIBVIRT_URI: 'qemu:///system',
      PHASEBOARD_SIMULATOR: 'on',
      // e2e/notifications.spec.ts listens here while it runs
      PHASEBOARD_WEBHOOK_URL: `http://127.0.0.1:${WEBHOOK_PORT}/hook`,
      PHASEBOARD_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // lets e2e/global-setup.ts make the users the specs log in as
      PHASEBOARD_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    },
  },
});
