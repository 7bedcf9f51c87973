import 'server-only';
import { randomBytes } from 'node:crypto';
import type { OvirtConnectionConfig } from '../config';
import type { SimulatorSpec } from '@/lib/engines/module';
import { SCENARIOS } from './scenarios';
import { SimOvirtEngine } from './engine';
import { OvirtSimServer } from './server';

/**
 * The embedded oVirt simulator: a loopback server speaking oVirt's REST API
 * (SSO included) with credentials made up for this process, and a mix of
 * transfers that keeps the board busy.
 */
export const ovirtSimulator: SimulatorSpec<OvirtConnectionConfig> = {
  connectionId: 'sim-ovirt',
  scenarios: SCENARIOS.map((s) => ({
    id: s.id,
    title: s.title,
    description: s.description,
    next: s.next,
    detail: s.direction,
    finalizeBy: s.finalizeBy,
    tags: s.legacyRemoval ? ['engine < 4.4.7'] : [],
  })),
  async start({ mix, speed, clock }) {
    const password = randomBytes(18).toString('base64url');
    const server = new OvirtSimServer({ username: 'admin@internal', password, engine: new SimOvirtEngine(clock.now) });
    const url = await server.start();
    server.setMix(mix, speed);
    return {
      connection: {
        id: 'sim-ovirt',
        engine: 'ovirt',
        url,
        // loopback, with credentials made up for this process
        insecure: true,
        username: 'admin@internal',
        password,
        pollIntervalMs: { fast: 1000, slow: 10_000 },
        timeoutMs: 15_000,
        simulated: true,
      },
      startScenario(id, o) {
        const t = server.engine.startScenario(id, o);
        return (op) => op.nativeId === t.id;
      },
      skip: (op, ms) => server.engine.skip(op.nativeId, ms),
      outage: (seconds) => server.startOutage(seconds),
      setMix: (active) => server.setMix(active, speed),
      stop: () => server.stop(),
    };
  },
};
