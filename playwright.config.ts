import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './lib/testing/chromium';
import { E2E_ADMIN_TOKEN, stateOf } from './e2e/auth';
import { WEBHOOK_PORT, WEBHOOK_SECRET } from './e2e/webhook-receiver';

const port = Number(process.env.E2E_PORT ?? 3217);

// A fresh embedded store per run: tests see only what they and the mix made.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-e2e-'));

// The two real libvirtd of scripts/libvirt/up.sh (npm test starts them first), beside the embedded
// simulators. If they are not up, the libvirt specs fail with up.sh's reason (lib/testing/real-libvirt.ts).
const libvirtEnv = path.join(process.env.PHASEBOARD_LIBVIRT_STATE ?? '/tmp/phaseboard-libvirt', 'env');
const dstUri = fs.existsSync(libvirtEnv) ? /^DST_URI=(.*)$/m.exec(fs.readFileSync(libvirtEnv, 'utf8'))?.[1] : undefined;
const configFile = path.join(dataDir, 'phaseboard.config.json');
fs.writeFileSync(
  configFile,
  JSON.stringify({
    engines: [{ id: 'libvirt', engine: 'libvirt', uri: 'qemu:///system' }, ...(dstUri ? [{ id: 'libvirt-dst', engine: 'libvirt', uri: dstUri }] : [])],
  }),
);

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // the specs mostly wait on engines' time, not the CPU: four at once fit a 2-core machine
  workers: 4,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Logged in as the e2e admin unless a spec says otherwise (test.use({ storageState: stateOf('viewer') })).
    storageState: stateOf('admin'),
    trace: 'retain-on-failure',
    launchOptions: CHROMIUM_LAUNCH,
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
      PHASEBOARD_CONFIG: configFile,
      PHASEBOARD_SIMULATOR: 'on',
      // e2e/notifications.spec.ts listens here while it runs
      PHASEBOARD_WEBHOOK_URL: `http://127.0.0.1:${WEBHOOK_PORT}/hook`,
      PHASEBOARD_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // lets e2e/global-setup.ts make the users the specs log in as
      PHASEBOARD_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      // specs log people in often, all from 127.0.0.1; the limit itself is tested on a server of its own
      PHASEBOARD_LOGIN_ATTEMPTS_PER_MIN: '100',
    },
  },
});
