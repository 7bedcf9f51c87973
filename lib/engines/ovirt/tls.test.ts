import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/load-config';
import { logger } from '@/lib/log/logger';
import { OvirtSimServer } from '@/lib/engines/ovirt/sim/server';
import { makeTestPki, type TestPki } from '@/lib/testing/certificates';
import { OvirtClient } from './client';
import type { OvirtConnection } from './config';

describe('oVirt over HTTPS with a custom CA file', () => {
  let pki: TestPki;
  let sim: OvirtSimServer;
  let url: string;
  beforeAll(async () => {
    pki = makeTestPki();
    sim = new OvirtSimServer({ username: 'admin@internal', password: 'secret', tls: { key: pki.key, cert: pki.cert } });
    url = await sim.start();
    sim.engine.startScenario('upload-success');
  });
  afterAll(() => sim.stop());

  const clientFor = (caFile?: string) => {
    const env = {
      PHASEBOARD_OVIRT_URL: url,
      PHASEBOARD_OVIRT_USERNAME: 'admin@internal',
      PHASEBOARD_OVIRT_PASSWORD: 'secret',
      PHASEBOARD_OVIRT_CA_FILE: caFile,
    };
    const [conn] = loadConfig(env, pki.dir).engines as OvirtConnection[];
    if (!conn || conn.engine !== 'ovirt') throw new Error('no oVirt connection configured');
    return new OvirtClient({ url: conn.url, username: conn.username, password: conn.password, ca: conn.ca, timeoutMs: 5000, log: logger });
  };

  it('trusts the engine through the configured CA file', async () => {
    expect(url.startsWith('https://')).toBe(true);
    await expect(clientFor(pki.caFile).imageTransferList()).resolves.toHaveLength(1);
  });

  it('refuses the engine without the CA file: verification stays on', async () => {
    await expect(clientFor().imageTransferList()).rejects.toThrow(
      /cannot verify 127\.0\.0\.1:\d+'s TLS certificate: UNABLE_TO_VERIFY_LEAF_SIGNATURE.*set caFile/,
    );
  });

  it('refuses the engine when the CA file holds a different CA', async () => {
    await expect(clientFor(pki.otherCaFile).imageTransferList()).rejects.toThrow(
      /cannot verify 127\.0\.0\.1:\d+'s TLS certificate: UNABLE_TO_VERIFY_LEAF_SIGNATURE.*set caFile/,
    );
    expect(sim.stats.byRoute.sso).toBe(1);
  });
});
