import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startProcess, type Started } from '../lib/testing/processes';
import { E2E_ADMIN_TOKEN } from './auth';

export interface Phaseboard extends Started {
  url: string;
  dataDir: string;
  /** fetch with the provisioning admin token */
  api(pathname: string, init?: RequestInit): Promise<Response>;
}

/**
 * A phaseboard of a spec's own (`npm start`'s server on a free port and a
 * fresh data dir unless given), for tests that stop, kill or restart it.
 */
export async function startPhaseboard(env: Record<string, string> = {}, o: { dataDir?: string; port?: number } = {}): Promise<Phaseboard> {
  const dataDir = o.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-spawn-'));
  const port = o.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const started = await startProcess(
    'phaseboard',
    process.execPath,
    ['scripts/start.mjs'],
    { PORT: String(port), HOST: '127.0.0.1', PHASEBOARD_DATA_DIR: dataDir, PHASEBOARD_LOG_LEVEL: 'warn', PHASEBOARD_ADMIN_TOKEN: E2E_ADMIN_TOKEN, ...env },
    async () => (await fetch(`${url}/api/health`)).ok,
  );
  const api = (pathname: string, init: RequestInit = {}) =>
    fetch(`${url}${pathname}`, { ...init, headers: { Authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...init.headers } });
  return { ...started, url, dataDir, api };
}
