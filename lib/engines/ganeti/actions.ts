import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { ActionAvailability, Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import type { ActionRequest, ActionResult, ActionView } from '../types';
import type { GanetiClient } from './client';
import { REQUESTS, requestLine, type RapiRequest } from './requests';
import { NOT_RUNNING_AT_ALL, WRONG_NODE_STATES } from './constants';
import { jobIdOf } from './normalize';
import type { Instance } from './parse';

const MOVES = new Set(['live_migration', 'cold_migration', 'failover']);
const str = (v: unknown) => (v === null || v === undefined || v === '' ? '?' : String(v));

export const GANETI_ACTIONS = {
  live_migration: [{ name: 'cancel' }, { name: 'cleanup' }, { name: 'retry' }],
  cold_migration: [{ name: 'cancel' }, { name: 'cleanup' }, { name: 'retry' }],
  failover: [{ name: 'cancel' }, { name: 'retry' }],
  migration_cleanup: [{ name: 'cancel' }, { name: 'restart' }],
  instance_task: [{ name: 'cancel' }],
};

/**
 * What can be done to a job now, in Ganeti's terms: a queued or waiting job
 * can be cancelled (a running one cannot); after a migration the cleanup
 * repairs a config that disagrees with the hypervisor; a failed move is
 * retried only once the instance runs on its primary again.
 */
export function describeGanetiActions(op: ActionView): ActionAvailability[] {
  const d = op.details;
  const phase = op.nativePhase;
  const ended = op.gone || isTerminal(op.state);
  const status = str(d.instanceStatus);
  const out: ActionAvailability[] = [
    {
      name: 'cancel',
      label: 'Cancel job',
      dangerous: false,
      effect: `Ganeti takes job ${str(d.jobId)} off its queue before it runs; nothing on the nodes changes.`,
      ...(!op.gone && (phase === 'queued' || phase === 'waiting')
        ? { enabled: true }
        : { enabled: false, reason: ended ? `the job has ended (${phase})` : `Ganeti cancels a job only while it is queued or waiting; this one is ${phase}` }),
    },
  ];
  if (op.kind === 'live_migration' || op.kind === 'cold_migration') {
    const wrong = WRONG_NODE_STATES.has(String(d.instanceStatus));
    out.push({
      name: 'cleanup',
      label: 'Clean up migration',
      dangerous: false,
      effect: `Ganeti's migrate --cleanup: it asks the nodes where ${op.subject.name} really runs and makes the cluster config (or the hypervisor) agree. Nothing is migrated.`,
      ...(!ended
        ? { enabled: false, reason: `the job still runs (${phase})` }
        : wrong
          ? { enabled: true, awaited: true }
          : {
              enabled: false,
              reason: `only when the cluster config and the hypervisor disagree (ERROR_down, ERROR_wrongnode); ${op.subject.name} is ${status}`,
            }),
    });
  }
  if (op.kind === 'migration_cleanup') {
    out.push({
      name: 'restart',
      label: 'Stop and start instance',
      dangerous: true,
      effect: `Ganeti stops ${op.subject.name} (which also shuts its disks down), then starts it on its primary node ${str(d.primaryNode)}: the repair Ganeti asks for when an instance runs nowhere.`,
      ...(op.state === 'failed' && NOT_RUNNING_AT_ALL.test(String(d.failure ?? ''))
        ? { enabled: true, awaited: true }
        : { enabled: false, reason: 'only after a cleanup found the instance running on no node' }),
    });
  }
  if (MOVES.has(op.kind)) {
    const running = d.instanceStatus === 'running';
    out.push({
      name: 'retry',
      label: op.kind === 'failover' ? 'Retry failover' : 'Retry migration',
      dangerous: false,
      effect: `Ganeti re-reads ${op.subject.name} first; only if it runs on its primary node (${str(d.primaryNode)}) is the same ${op.kind === 'failover' ? 'failover' : 'migration'} sent again, to ${d.allocator ? `the allocator's choice (${str(d.allocator)})` : str(d.target)}.`,
      ...(op.state !== 'failed'
        ? { enabled: false, reason: `only a failed job is retried; this one is ${phase}` }
        : running
          ? { enabled: true }
          : {
              enabled: false,
              reason: WRONG_NODE_STATES.has(status)
                ? `${op.subject.name} is ${status}: the cluster and the hypervisor disagree; clean up first`
                : `${op.subject.name} is ${status}, not running on its primary`,
            }),
    });
  }
  return out;
}

/** The request a retry sends: the failed job's own, to the same named target or the allocator again. */
export function retryRequest(op: Pick<Operation, 'kind' | 'subject' | 'details'>): RapiRequest {
  const target = op.details.allocator ? undefined : typeof op.details.target === 'string' ? op.details.target : undefined;
  if (op.kind === 'failover') return REQUESTS.failover(op.subject.name, target ? { target_node: target } : {});
  const mode = op.kind === 'cold_migration' ? 'non-live' : op.details.mode === 'live' ? 'live' : undefined;
  return REQUESTS.migrate(op.subject.name, { ...(mode ? { mode } : {}), ...(target ? { target_node: target } : {}) });
}

/** The instance as Ganeti has it now, or a conflict naming why the action would be wrong. */
async function fresh(client: GanetiClient, name: string): Promise<Instance> {
  const i = await client.instance(name);
  if (!i) throw new AppError('conflict', `the cluster no longer has an instance ${name}`);
  return i;
}

/** Sends the action; the job it starts is followed as an operation of its own. */
export async function performGanetiAction(client: GanetiClient, op: Operation, req: ActionRequest): Promise<ActionResult> {
  const id = jobIdOf(op.nativeId);
  if (id === null) throw new AppError('internal', `not a Ganeti job: ${op.nativeId}`);
  const name = op.subject.name;
  switch (req.action) {
    case 'cancel': {
      req.log(requestLine(REQUESTS.cancel(id)));
      return { ok: true, message: `Ganeti: ${await client.cancel(id)}` };
    }
    case 'cleanup': {
      const i = await fresh(client, name);
      req.log(`${name} is ${i.status} on ${i.pnode} (re-read)`);
      if (!WRONG_NODE_STATES.has(i.status)) throw new AppError('conflict', `nothing to clean up: ${name} is ${i.status} on ${i.pnode}`);
      const r = REQUESTS.migrate(name, { cleanup: true });
      req.log(requestLine(r));
      const job = await client.submit(r);
      return { ok: true, message: `cleanup submitted as job ${job}` };
    }
    case 'retry': {
      if (!MOVES.has(op.kind)) break;
      const i = await fresh(client, name);
      req.log(`${name} is ${i.status}${i.oper_state ? ' and running' : ''} on ${i.pnode} (re-read)`);
      // never a blind resubmit: a move from a half-finished state makes the split worse (seed 003)
      if (i.status !== 'running' || i.oper_state !== true) {
        throw new AppError(
          'conflict',
          WRONG_NODE_STATES.has(i.status)
            ? `retry refused: ${name} is ${i.status} (the cluster and the hypervisor disagree); clean up first`
            : `retry refused: ${name} is ${i.status}, not running on its primary ${i.pnode}`,
        );
      }
      const r = retryRequest(op);
      req.log(requestLine(r));
      const job = await client.submit(r);
      return { ok: true, message: `retry submitted as job ${job}` };
    }
    case 'restart': {
      if (op.kind !== 'migration_cleanup') break;
      const i = await fresh(client, name);
      req.log(`${name} is ${i.status} on ${i.pnode} (re-read)`);
      if (i.oper_state === true) throw new AppError('conflict', `${name} runs (${i.status}): a stop would take it down; nothing to repair this way`);
      for (const r of [REQUESTS.shutdown(name), REQUESTS.startup(name)]) {
        req.log(requestLine(r));
        const job = await client.submit(r);
        const end = await client.untilEnded(job, req.signal);
        req.log(`job ${job}: ${end.status}`);
        if (end.status !== 'success')
          throw new AppError('engine_refused', `job ${job} (${requestLine(r)}) ended ${end.status}${end.failure ? `: ${end.failure}` : ''}`);
      }
      return { ok: true, message: `${name} stopped and started again on ${i.pnode}` };
    }
  }
  throw new AppError('unsupported', `Ganeti ${op.kind.replace(/_/g, ' ')} has no "${req.action}" action`);
}
