import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '@/lib/log/logger';
import { OvirtSimServer } from '@/lib/engines/ovirt/sim/server';
import { OvirtClient } from './client';

describe('OvirtClient against the simulator over HTTP', () => {
  let sim: OvirtSimServer;
  let url: string;
  beforeEach(async () => {
    sim = new OvirtSimServer({ username: 'admin@internal', password: 'secret' });
    url = await sim.start();
  });
  afterEach(() => sim.stop());

  const client = (password = 'secret') => new OvirtClient({ url, username: 'admin@internal', password, timeoutMs: 5000, log: logger });

  it('logs in through SSO and lists transfers with their disks in one call', async () => {
    sim.engine.startScenario('upload-success');
    const c = client();
    const list = await c.imageTransferList();
    expect(list).toHaveLength(1);
    expect(list[0]?.disk && 'status' in list[0].disk ? list[0].disk.status : null).toBe('locked');
    expect(sim.stats.byRoute['GET /imagetransfers']).toBe(1);
    expect(sim.stats.byRoute['GET /disks/{id}']).toBeUndefined();
  });

  it('authenticates again once after a 401 (engine restarted, token gone)', async () => {
    const c = client();
    await c.imageTransferList();
    sim.revokeTokens();
    await expect(c.imageTransferList()).resolves.toEqual([]);
    expect(sim.stats.byRoute.sso).toBe(2);
    expect(sim.stats.byRoute.unauthorized).toBe(1);
  });

  it('says which user SSO refused, with the engine words', async () => {
    await expect(client('wrong').imageTransferList()).rejects.toThrow(/SSO refused admin@internal: Cannot authenticate user/);
  });

  it('answers null for a transfer or disk that is gone', async () => {
    const c = client();
    await expect(c.imageTransferGet('nope')).resolves.toBeNull();
    await expect(c.diskGet('nope')).resolves.toBeNull();
  });

  it('keeps the engine message when an action is refused', async () => {
    const t = sim.engine.startScenario('upload-success');
    await expect(client().imageTransferAction(t.id, 'resume', 'corr-1')).rejects.toMatchObject({
      code: 'conflict',
      engineMessage: expect.stringContaining('Cannot resume image transfer. The transfer is in phase initializing'),
    });
  });

  it('reports an unreachable engine as engine_unreachable', async () => {
    await sim.stop();
    await expect(client().imageTransferList()).rejects.toMatchObject({ code: 'engine_unreachable' });
  });
});
