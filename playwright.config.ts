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
// The real OpenStack of scripts/openstack/up.sh, reached with its application credential (the secret in a file, as an operator keeps it).
const openstackEnv = path.join(process.env.PHASEBOARD_OPENSTACK_STATE ?? '/tmp/phaseboard-openstack', 'env');
const os_ = fs.existsSync(openstackEnv)
  ? Object.fromEntries([...fs.readFileSync(openstackEnv, 'utf8').matchAll(/^([A-Z_0-9]+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
  : null;
const secretFile = path.join(dataDir, 'openstack-app-cred.secret');
if (os_) fs.writeFileSync(secretFile, `${os_.APP_CRED_SECRET}\n`, { mode: 0o600 });
// The real Ganeti cluster of scripts/ganeti/up.sh: its RAPI with the certificate pinned, the password in a file.
const ganetiEnv = path.join(process.env.PHASEBOARD_GANETI_STATE ?? '/tmp/phaseboard-ganeti', 'env');
const gnt = fs.existsSync(ganetiEnv)
  ? Object.fromEntries([...fs.readFileSync(ganetiEnv, 'utf8').matchAll(/^([A-Z_0-9]+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
  : null;
const ganetiPasswordFile = path.join(dataDir, 'ganeti.password');
if (gnt) fs.writeFileSync(ganetiPasswordFile, `${gnt.RAPI_PASSWORD}\n`, { mode: 0o600 });
const configFile = path.join(dataDir, 'phaseboard.config.json');
fs.writeFileSync(
  configFile,
  JSON.stringify({
    engines: [
      { id: 'libvirt', engine: 'libvirt', uri: 'qemu:///system' },
      ...(dstUri ? [{ id: 'libvirt-dst', engine: 'libvirt', uri: dstUri }] : []),
      ...(os_
        ? [
            {
              id: 'openstack',
              engine: 'openstack',
              authUrl: os_.KEYSTONE_URL,
              insecure: true,
              auth: { type: 'application_credential', id: os_.APP_CRED_ID, secretFile },
              region: os_.OS_REGION,
              pollIntervalMs: { fast: 1000, slow: 10_000, watch: 2000 },
            },
          ]
        : []),
      ...(gnt
        ? [
            {
              id: 'ganeti',
              engine: 'ganeti',
              url: gnt.RAPI_URL,
              username: gnt.RAPI_USER,
              passwordFile: ganetiPasswordFile,
              certSha256: gnt.RAPI_CERT_SHA256,
              pollIntervalMs: { fast: 1000, slow: 10_000, watch: 2000 },
            },
          ]
        : []),
    ],
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
