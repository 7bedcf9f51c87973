import 'server-only';
import { randomBytes } from 'node:crypto';
import type { SimulatorSpec } from '@/lib/engines/module';
import type { GanetiConnectionConfig } from '../config';
import { jobIdOf } from '../normalize';
import { SimCluster } from './cluster';
import { SCENARIOS, startScenario } from './scenarios';
import { GanetiSimServer } from './server';

/**
 * The embedded Ganeti simulator: a loopback RAPI with a password made up for
 * this process, a three-node cluster, and a mix of migrations and failovers
 * that keeps the board busy.
 */
export const ganetiSimulator: SimulatorSpec<GanetiConnectionConfig> = {
  connectionId: 'sim-ganeti',
  scenarios: SCENARIOS.map((s) => ({ id: s.id, title: s.title, description: s.description, next: s.next, detail: s.detail, finalizeBy: null, tags: s.tags })),
  async start({ mix, speed, clock }) {
    const password = randomBytes(18).toString('base64url');
    const cluster = new SimCluster(clock.now);
    const server = new GanetiSimServer({ username: 'phaseboard', password, cluster });
    server.speed = speed;
    const url = await server.start();
    server.setMix(mix, speed);
    return {
      connection: {
        id: 'sim-ganeti',
        engine: 'ganeti',
        url,
        // loopback http, with a password made up for this process
        insecure: true,
        username: 'phaseboard',
        password,
        pollIntervalMs: { fast: 1000, slow: 10_000, watch: 2000 },
        timeoutMs: 15_000,
        simulated: true,
      },
      startScenario(id, o) {
        const job = startScenario(cluster, id, { speed: o.speed });
        return (op) => jobIdOf(op.nativeId) === job.id;
      },
      skip: (op, ms) => {
        const id = jobIdOf(op.nativeId);
        return id !== null && cluster.playAhead(id, ms);
      },
      outage: (seconds) => server.startOutage(seconds),
      setMix: (active) => server.setMix(active, speed),
      stop: () => server.stop(),
    };
  },
};
