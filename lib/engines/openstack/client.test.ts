import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '@/lib/log/logger';
import { OpenStackClient } from './client';
import { SimCloud } from './sim/cloud';
import { OpenStackSimServer } from './sim/server';

const auth = { type: 'password' as const, username: 'admin', password: 'p', userDomain: 'Default', project: 'demo', projectDomain: 'Default' };

describe('OpenStack client', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });
  async function cloud() {
    const c = new SimCloud();
    const sim = new OpenStackSimServer({ username: 'admin', password: 'p', project: 'demo', cloud: c });
    const authUrl = await sim.start();
    stops.push(() => sim.stop());
    return { c, authUrl };
  }

  it('sends no token to a plain-http endpoint of the catalog unless the connection allows it', async () => {
    const { authUrl } = await cloud();
    const strict = new OpenStackClient({ authUrl, auth, interface: 'public', timeoutMs: 5000, log: logger });
    await expect(strict.service('compute')).rejects.toThrow(
      /compute endpoint http:\/\/127\.0\.0\.1:\d+\/compute\/v2\.1 is plain http: every token would cross the network in clear/,
    );
    const lab = new OpenStackClient({ authUrl, auth, interface: 'public', timeoutMs: 5000, log: logger, insecure: true });
    expect((await lab.service('compute')).max).toBe('2.93');
  });

  it('reads every page of a list the cloud cuts at its max_limit', async () => {
    const { c, authUrl } = await cloud();
    c.maxLimit = 2;
    const client = new OpenStackClient({ authUrl, auth, interface: 'public', timeoutMs: 5000, log: logger, insecure: true });
    const servers = await client.servers();
    expect(servers.length).toBe(c.st.servers.size);
    expect(servers.length).toBeGreaterThan(2);
    expect(new Set(servers.map((s) => s.id)).size).toBe(servers.length);
  });
});
