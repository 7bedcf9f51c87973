import { logger } from '@/lib/log/logger';
import { describeAdapterContract } from '../contract.suite';
import { createGanetiAdapter } from './adapter';
import { ganetiEngine } from './index';
import { SimCluster } from './sim/cluster';
import { startScenario } from './sim/scenarios';
import { GanetiSimServer } from './sim/server';

/** The shared adapter contract, run by the Ganeti adapter against the simulated cluster over HTTP (RAPI). */
describeAdapterContract('Ganeti on the simulated cluster', async () => {
  // the cluster's time runs with the wall clock (a stop and start an action waits for must move on) plus what the suite skips
  let skipped = 0;
  const now = () => Date.now() + skipped;
  const cluster = new SimCluster(now);
  const sim = new GanetiSimServer({ username: 'phaseboard', password: 'p', cluster });
  const url = await sim.start();
  const adapter = createGanetiAdapter({ url, username: 'phaseboard', password: 'p', log: logger, now });
  const start = (id: string) => async () => `job:${startScenario(cluster, id, { speed: 1 }).id}`;
  /** plays the cluster forward until the job has ended */
  const settle = (job: number) => {
    for (let i = 0; i < 600 && cluster.jobs.get(job)!.endedAt === null; i++) {
      skipped += 500;
      cluster.tick();
    }
  };
  return {
    adapter,
    module: ganetiEngine,
    now,
    startOperation: start('live-migration'),
    advance: async (ms) => void (skipped += ms),
    actions: [
      { action: 'cancel', start: start('queued-cancelled'), endsIn: 'cancelled' },
      { action: 'cleanup', start: start('wrong-node-cleanup') },
      { action: 'retry', start: start('failed-target-down') },
      {
        action: 'restart',
        // a cleanup that finds the instance on no node, after a migration in which it died
        start: async () => {
          const died = startScenario(cluster, 'running-nowhere', { speed: 1 });
          settle(died.id);
          return `job:${cluster.submit({ OP_ID: 'OP_INSTANCE_MIGRATE', instance_name: died.opcode.instance_name, cleanup: true, iallocator: 'hail' }, { speed: 1 }).id}`;
        },
      },
    ],
    // a running job: Ganeti cancels only queued or waiting ones, and says so
    refusal: async () => {
      const job = startScenario(cluster, 'slow-migration', { speed: 1 });
      skipped += 2000;
      cluster.tick();
      return { nativeId: `job:${job.id}`, action: 'cancel' };
    },
    outage: { begin: async () => void sim.startOutage(3600), end: async () => sim.endOutage() },
    close: async () => {
      await adapter.close();
      await sim.stop();
    },
  };
});
