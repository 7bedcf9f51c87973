import { logger } from '@/lib/log/logger';
import { describeAdapterContract } from '../contract.suite';
import { createOpenStackAdapter } from './adapter';
import { openstackEngine } from './index';
import { SimCloud } from './sim/cloud';
import { OpenStackSimServer } from './sim/server';

/** The shared adapter contract, run by the OpenStack adapter against the simulated cloud over HTTP. */
describeAdapterContract('OpenStack on the simulated cloud', async () => {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const now = () => t;
  const cloud = new SimCloud(now);
  const sim = new OpenStackSimServer({ username: 'admin', password: 'p', project: 'demo', cloud });
  const authUrl = await sim.start();
  const adapter = createOpenStackAdapter({
    insecure: true,
    authUrl,
    auth: { type: 'password', username: 'admin', password: 'p', userDomain: 'Default', project: 'demo', projectDomain: 'Default' },
    log: logger,
    now,
  });
  const start = (id: string) => async () => cloud.startScenario(id).nativeId;
  return {
    adapter,
    module: openstackEngine,
    now,
    startOperation: start('live-migration'),
    advance: async (ms) => void (t += ms),
    actions: [
      { action: 'force_complete', start: start('live-migration-stuck'), endsIn: 'succeeded' },
      { action: 'abort', start: start('live-migration-stuck'), endsIn: 'cancelled' },
      { action: 'confirm', start: start('cold-migration'), endsIn: 'succeeded' },
      { action: 'revert', start: start('resize'), endsIn: 'cancelled' },
      { action: 'delete_attachment', start: start('stale-reservation'), endsIn: 'cancelled' },
      { action: 'reset_volume', start: start('stale-reservation'), endsIn: 'cancelled' },
      { action: 'reset_state', start: start('stuck-deleting'), endsIn: 'failed' },
    ],
    // a resize that is not finished yet: Nova refuses the confirm in its own words
    refusal: async () => ({ nativeId: cloud.startScenario('resize').nativeId, action: 'confirm' }),
    outage: { begin: async () => void sim.startOutage(3600), end: async () => sim.endOutage() },
    close: async () => {
      await adapter.close();
      await sim.stop();
    },
  };
});
