import 'server-only';
import { SimCluster, type SimInstance, type SimJob } from './cluster';

/** One step of a running job: after `afterMs` (at speed 1), a log line, a change to the cluster, or the error it ends with. */
export interface Step {
  afterMs: number;
  log?: string;
  do?: (c: SimCluster) => void;
  /** [class, [message, kind?]] as Ganeti's opresult has it */
  fail?: [string, string[]];
}

/** What a scenario makes go wrong in a job. */
export interface Faults {
  /** the pre-migration hook holds the job this long, logging nothing (a slow migration) */
  holdMs?: number;
  /** how long the memory copy takes (live migration progress lines) */
  copyMs?: number;
  /** the finalize on the target fails after the instance moved: config and hypervisor disagree (seed 003) */
  finalizeFails?: boolean;
  /** the instance dies on both nodes mid-migration: it runs nowhere */
  instanceDies?: boolean;
}

const PREREQ = 'OpPrereqError';
const EXEC = 'OpExecError';
const noded = (c: SimCluster, node: string) =>
  `Error 7: Failed to connect to ${c.nodes.get(node)?.ip ?? node} port 1811 after 0 ms: Couldn't connect to server`;

/** The allocator's choice: the first other node that answers (hail would weigh memory; any other will do here). */
function allocate(c: SimCluster, i: SimInstance): string {
  const others = [...c.nodes.values()].filter((n) => n.name !== i.pnode);
  return (others.find((n) => !n.down) ?? others[0]!).name;
}

/** The steps of a job's opcode, decided when it starts running (as Ganeti checks its prerequisites then). */
export function programOf(c: SimCluster, j: SimJob): Step[] {
  const op = j.opcode;
  const i = c.instances.get(op.instance_name);
  if (!i) return [{ afterMs: 100, fail: [PREREQ, [`Instance '${op.instance_name}' not known`, 'wrong_input']] }];
  switch (op.OP_ID) {
    case 'OP_INSTANCE_MIGRATE':
      return op.cleanup ? cleanup(i) : move(c, i, j, op.mode === 'non-live' ? 'non-live' : 'live');
    case 'OP_INSTANCE_FAILOVER':
      return move(c, i, j, 'failover');
    case 'OP_INSTANCE_SHUTDOWN':
      return [
        {
          afterMs: 600,
          do: (cl) => {
            i.adminUp = false;
            i.runningOn = null;
            cl.touch(i);
          },
        },
      ];
    case 'OP_INSTANCE_STARTUP':
      return [
        {
          afterMs: 800,
          do: (cl) => {
            i.adminUp = true;
            i.runningOn = i.pnode;
            cl.touch(i);
          },
        },
      ];
  }
  return [{ afterMs: 100, fail: [PREREQ, [`${op.OP_ID} is not simulated`, 'wrong_input']] }];
}

function move(c: SimCluster, i: SimInstance, j: SimJob, how: 'live' | 'non-live' | 'failover'): Step[] {
  const named = typeof j.opcode.target_node === 'string' ? j.opcode.target_node : null;
  const target = named ?? allocate(c, i);
  const source = i.pnode;
  const f = j.faults;
  if (named === source) return [{ afterMs: 300, fail: [PREREQ, [`Cannot migrate instance ${i.name} to its primary (${source})`, 'wrong_state']] }];
  if (!c.nodes.has(target)) return [{ afterMs: 300, fail: [PREREQ, [`Node '${target}' not known`, 'wrong_input']] }];
  if (named && c.nodes.get(target)!.down)
    return [{ afterMs: 400, fail: [PREREQ, [`Can't get data from node ${target}: ${noded(c, target)}`, 'environment_error']] }];
  if (i.runningOn !== i.pnode && how !== 'failover') {
    return [{ afterMs: 300, fail: [PREREQ, [`Instance ${i.name} is not running on its primary node ${source} (${SimCluster.status(i)})`, 'wrong_state']] }];
  }
  const steps: Step[] = [{ afterMs: f.holdMs ?? 300 }];
  if (!named) steps.push({ afterMs: 500, log: ` - INFO: Selected nodes for instance ${i.name} via iallocator hail: ${target}` });
  if (!named && c.nodes.get(target)!.down) return [...steps, { afterMs: 300, fail: [EXEC, [`Can't get data for node ${target}: ${noded(c, target)}`]] }];
  if (how === 'failover') {
    return [
      ...steps,
      { afterMs: 400, log: `Failover instance ${i.name}` },
      { afterMs: 150, log: '* checking disk consistency between source and target' },
      { afterMs: 300, log: '* shutting down instance on source node', do: (cl) => ((i.runningOn = null), cl.touch(i)) },
      { afterMs: 300, log: `* closing instance disks on node ${source}` },
      { afterMs: 300, log: "* deactivating the instance's disks on source node" },
      { afterMs: 400, log: `* activating the instance's disks on target node ${target}` },
      { afterMs: 400, log: `* starting the instance on the target node ${target}`, do: (cl) => ((i.pnode = target), (i.runningOn = target), cl.touch(i)) },
    ];
  }
  steps.push(
    { afterMs: 500, log: `Migrating instance ${i.name}` },
    { afterMs: 150, log: '* checking disk consistency between source and target' },
    { afterMs: 150, log: `* closing instance disks on node ${target}` },
    { afterMs: 150, log: `* opening instance disks on node ${source} in shared mode` },
    { afterMs: 150, log: `* opening instance disks on node ${target} in shared mode` },
    { afterMs: 200, log: `* preparing ${target} to accept the instance` },
    { afterMs: 200, log: `* migrating instance to ${target}` },
    { afterMs: 150, log: '* starting memory transfer' },
  );
  // the KVM hypervisor reports the copy as it goes; the fake one does not
  const copy = f.copyMs ?? 3000;
  const parts = how === 'live' ? Math.max(1, Math.round(copy / 1000)) : 0;
  for (let k = 1; k < parts + 1 && k * (100 / (parts + 1)) < 100; k++) {
    steps.push({ afterMs: copy / (parts + 1), log: `* memory transfer progress: ${((k * 100) / (parts + 1)).toFixed(2)} %` });
  }
  if (f.instanceDies) {
    return [
      ...steps,
      {
        afterMs: copy / (parts + 1),
        do: (cl) => ((i.runningOn = null), cl.touch(i)),
        fail: [EXEC, [`Could not migrate instance ${i.name}: the instance died on ${source} during the memory transfer`]],
      },
    ];
  }
  steps.push({ afterMs: copy / (parts + 1), log: '* memory transfer complete', do: (cl) => ((i.runningOn = target), cl.touch(i)) });
  if (f.finalizeFails) {
    return [
      ...steps,
      { afterMs: 300, log: `* closing instance disks on node ${source}` },
      { afterMs: 400, fail: [EXEC, [`Could not finalize instance migration: Failed to finalize migration on the target node: ${noded(c, target)}`]] },
    ];
  }
  return [
    ...steps,
    { afterMs: 250, log: `* closing instance disks on node ${source}`, do: (cl) => ((i.pnode = target), cl.touch(i)) },
    { afterMs: 150, log: `* opening instance disks on node ${target} in exclusive mode` },
    { afterMs: 100, log: '* done' },
  ];
}

/** migrate --cleanup: where does it run? then make the config agree, or say it runs nowhere. */
function cleanup(i: SimInstance): Step[] {
  const primary = i.pnode;
  const found = i.runningOn;
  const steps: Step[] = [
    { afterMs: 300 },
    { afterMs: 300, log: ' - INFO: Not checking memory on the secondary node as instance will not be started' },
    { afterMs: 300, log: `Migrating instance ${i.name}` },
    { afterMs: 100, log: '* checking where the instance actually runs (if this hangs, the hypervisor might be in a bad state)' },
    { afterMs: 300, log: `* instance running on: ${found ?? ''}` },
  ];
  if (found === null) {
    return [
      ...steps,
      {
        afterMs: 100,
        fail: [
          EXEC,
          [
            "Instance does not seem to be running at all; in this case it's safer to repair by running 'gnt-instance stop' to ensure disk shutdown, and then restarting it",
          ],
        ],
      },
    ];
  }
  if (found === primary) {
    return [...steps, { afterMs: 100, log: `* instance confirmed to be running on its primary node (${primary})` }, { afterMs: 150, log: '* done' }];
  }
  return [
    ...steps,
    { afterMs: 100, log: `* instance running on secondary node (${found}), updating config`, do: (cl) => ((i.pnode = found), cl.touch(i)) },
    { afterMs: 150, log: `* closing instance disks on node ${primary}` },
    { afterMs: 150, log: `* opening instance disks on node ${found} in exclusive mode` },
    { afterMs: 100, log: '* done' },
  ];
}
