import 'server-only';
import { randomBytes } from 'node:crypto';
import type { OpenStackConnectionConfig } from '../config';
import type { SimulatorSpec } from '@/lib/engines/module';
import { SimCloud } from './cloud';
import { SCENARIOS } from './scenarios';
import { OpenStackSimServer } from './server';

/**
 * The embedded OpenStack simulator: a loopback Keystone, Nova and Cinder
 * with credentials made up for this process, and a mix of migrations and
 * volume work that keeps the board busy.
 */
export const openstackSimulator: SimulatorSpec<OpenStackConnectionConfig> = {
  connectionId: 'sim-openstack',
  scenarios: SCENARIOS.map((s) => ({ id: s.id, title: s.title, description: s.description, next: s.next, detail: s.detail, finalizeBy: null, tags: s.tags })),
  async start({ mix, speed, clock }) {
    const password = randomBytes(18).toString('base64url');
    const cloud = new SimCloud(clock.now);
    cloud.speed = speed;
    const server = new OpenStackSimServer({ username: 'admin', password, project: 'demo', admin: true, cloud });
    const authUrl = await server.start();
    server.setMix(mix, speed);
    return {
      connection: {
        id: 'sim-openstack',
        engine: 'openstack',
        authUrl,
        // loopback http, with credentials made up for this process
        insecure: true,
        auth: { type: 'password', username: 'admin', password, userDomain: 'Default', project: 'demo', projectDomain: 'Default' },
        region: 'RegionOne',
        interface: 'public',
        resizeConfirmWindowS: 0,
        pollIntervalMs: { fast: 1000, slow: 10_000, watch: 2000 },
        timeoutMs: 15_000,
        simulated: true,
      },
      startScenario(id, o) {
        const r = cloud.startScenario(id, { speed: o.speed });
        return (op) => op.nativeId === r.nativeId;
      },
      skip: (op, ms) => cloud.playAhead(op.nativeId, ms),
      outage: (seconds) => server.startOutage(seconds),
      setMix: (active) => server.setMix(active, speed),
      stop: () => server.stop(),
    };
  },
};
