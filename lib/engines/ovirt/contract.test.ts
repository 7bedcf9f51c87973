import { logger } from '@/lib/log/logger';
import { SimOvirtEngine } from '@/lib/engines/ovirt/sim/engine';
import { OvirtSimServer } from '@/lib/engines/ovirt/sim/server';
import { describeAdapterContract } from '../contract.suite';
import { createOvirtAdapter } from './adapter';
import { ovirtEngine } from './index';

/** The shared adapter contract, run by the oVirt adapter against the simulated engine over HTTP. */
describeAdapterContract('oVirt on the simulated engine', async () => {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const now = () => t;
  const engine = new SimOvirtEngine(now);
  const sim = new OvirtSimServer({ username: 'u', password: 'p', engine });
  const url = await sim.start();
  const adapter = createOvirtAdapter({ url, username: 'u', password: 'p', log: logger, now, sleep: async (ms) => void (t += ms) });
  return {
    adapter,
    module: ovirtEngine,
    now,
    // the client finalizes by itself once its data is sent
    startOperation: async () => engine.startScenario('upload-success').id,
    advance: async (ms) => void (t += ms),
    actions: [
      { action: 'finalize', start: async () => engine.startScenario('upload-awaits-finalize').id, endsIn: 'succeeded' },
      { action: 'cancel', start: async () => engine.startScenario('upload-awaits-finalize').id, endsIn: 'cancelled' },
      { action: 'pause', start: async () => engine.startScenario('upload-awaits-finalize').id, endsIn: 'paused' },
      // the client stops sending and oVirt pauses the transfer; resumed, the client finishes it
      { action: 'resume', start: async () => engine.startScenario('inactivity-paused').id, endsIn: 'succeeded' },
    ],
    // finalize while the transfer is still initializing: oVirt refuses with its reason
    refusal: async () => ({ nativeId: engine.startScenario('upload-awaits-finalize').id, action: 'finalize' }),
    // before 4.4.7 the engine removes a finished transfer at once
    forgotten: async () => engine.startScenario('legacy-finalize-removed').id,
    outage: { begin: async () => void sim.startOutage(3600), end: async () => sim.endOutage() },
    close: async () => {
      await adapter.close?.();
      await sim.stop();
    },
  };
});
