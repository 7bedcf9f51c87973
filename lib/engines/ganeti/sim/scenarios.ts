import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { NODES, type SimCluster, type SimJob } from './cluster';
import type { Faults } from './programs';

export interface GanetiScenario {
  id: string;
  title: string;
  description: string;
  next: string;
  detail: string;
  tags: string[];
}

/** What the Demo page offers on the simulated cluster (issue: seven flows, and the instance that runs nowhere). */
export const SCENARIOS: readonly GanetiScenario[] = [
  {
    id: 'live-migration',
    title: 'Live migration',
    description: 'The allocator picks the target; the job logs each step and the memory copy as it goes, and the instance ends on the other node.',
    next: 'Open it: every log line of the job is a point on its timeline, with the nodes beside it.',
    detail: 'migration',
    tags: [],
  },
  {
    id: 'slow-migration',
    title: 'Slow migration (a pre-hook holds it)',
    description: 'A pre-migration hook keeps the job running for 40 s with no log line, then the migration goes through.',
    next: 'Watch the job sit in running with no new line; the first line arrives the moment the hook lets go.',
    detail: 'migration',
    tags: ['hook'],
  },
  {
    id: 'failover',
    title: 'Failover',
    description: 'The instance is shut down on its primary and started on the other node.',
    next: 'Open it: the shutdown and the start on the target are in its log.',
    detail: 'failover',
    tags: [],
  },
  {
    id: 'non-live-migration',
    title: 'Non-live migration',
    description: 'A migration in non-live mode to a named node.',
    next: 'Open it: the mode and the nodes are in its details.',
    detail: 'migration',
    tags: [],
  },
  {
    id: 'failed-target-down',
    title: 'Migration fails: the target node is down',
    description: "The target's node daemon does not answer: Ganeti refuses before anything changes (OpPrereqError). The node comes back after a minute.",
    next: 'Open it: the error is in Ganeti’s words with its class; once the node is back, retry is allowed because the instance still runs on its primary.',
    detail: 'migration',
    tags: ['OpPrereqError'],
  },
  {
    id: 'wrong-node-cleanup',
    title: 'Wrong node after a migration, repaired by cleanup',
    description: 'The finalize on the target fails after the memory moved: the instance runs on the target while the config says the source (ERROR_down).',
    next: 'Open Triage: the finding explains the split with the job log; run the cleanup playbook and the finding resolves by itself.',
    detail: 'migration',
    tags: ['seed 003', 'cleanup'],
  },
  {
    id: 'cleanup-nothing',
    title: 'Cleanup when nothing is wrong',
    description: 'migrate --cleanup on a healthy instance: Ganeti confirms it runs on its primary and changes nothing.',
    next: 'Open it: "instance confirmed to be running on its primary node".',
    detail: 'cleanup',
    tags: ['cleanup'],
  },
  {
    id: 'queued-cancelled',
    title: 'A queued job, cancelled',
    description: 'A failover waits behind a slow migration of the same instance; cancel it while it waits.',
    next: 'Open the failover (waiting) and press Cancel job: it ends canceled and never runs.',
    detail: 'failover',
    tags: ['cancel'],
  },
  {
    id: 'running-nowhere',
    title: 'The instance runs nowhere',
    description: 'The instance dies mid-migration; a cleanup finds it on no node and Ganeti asks for a stop, then a start.',
    next: 'Open Triage: clean up, then follow the stop-and-start playbook the failed cleanup leads to.',
    detail: 'migration',
    tags: ['seed 003'],
  },
];

const migrate = (instance: string, o: { mode?: 'live' | 'non-live'; target?: string; cleanup?: boolean } = {}) => ({
  OP_ID: 'OP_INSTANCE_MIGRATE',
  instance_name: instance,
  mode: o.mode ?? 'live',
  cleanup: o.cleanup ?? false,
  ...(o.target ? { target_node: o.target } : { iallocator: 'hail' }),
});

/** Starts a scenario on a fresh instance; answers the job to watch. */
export function startScenario(c: SimCluster, id: string, o: { speed: number; owner?: 'mix' }): SimJob {
  const i = c.idleInstance() ?? c.addInstance();
  const speed = o.speed;
  const run = (opcode: SimJob['opcode'], faults?: Faults) => c.submit(opcode, { speed, faults });
  const other = NODES.find((n) => n !== i.pnode)!;
  switch (id) {
    case 'live-migration':
      // the mix's are as long as a few GiB of memory take; the Demo page's are quick to watch
      return run(migrate(i.name), { copyMs: o.owner === 'mix' ? 20_000 : 4000 });
    case 'slow-migration':
      return run(migrate(i.name), { holdMs: 40_000, copyMs: 4000 });
    case 'failover':
      return run({ OP_ID: 'OP_INSTANCE_FAILOVER', instance_name: i.name, iallocator: 'hail' });
    case 'non-live-migration':
      return run(migrate(i.name, { mode: 'non-live', target: other }));
    case 'failed-target-down': {
      const node = c.nodes.get(other)!;
      node.down = true;
      setTimeout(() => (node.down = false), 60_000 / speed).unref();
      return run(migrate(i.name, { target: other }));
    }
    case 'wrong-node-cleanup':
      return run(migrate(i.name), { finalizeFails: true, copyMs: 3000 });
    case 'cleanup-nothing':
      return run(migrate(i.name, { cleanup: true }));
    case 'queued-cancelled': {
      run(migrate(i.name), { holdMs: 120_000 });
      return run({ OP_ID: 'OP_INSTANCE_FAILOVER', instance_name: i.name, iallocator: 'hail' });
    }
    case 'running-nowhere':
      return run(migrate(i.name), { instanceDies: true, copyMs: 3000 });
  }
  throw new AppError('invalid_input', `scenario: no Ganeti scenario "${id}"`, { field: 'scenario' });
}
