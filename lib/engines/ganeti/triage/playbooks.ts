import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { Operation } from '@/lib/model/operation';
import type { Playbook, PlannedStep } from '@/lib/triage/playbook';
import { actionStep } from '@/lib/triage/steps';
import { retryRequest } from '../actions';
import type { GanetiAdapter } from '../adapter';
import { REQUESTS, requestLine } from '../requests';
import { jobIdOf, jobLog } from '../normalize';
import { logText } from '../parse';

/**
 * The safe ways out of what the rules find. Every request a dry run names
 * is built by the client's own REQUESTS: what the plan says is what is sent.
 */

const name = (op: Operation | null) => op?.subject.name ?? '{instance}';
const jobOf = (op: Operation | null) => (op ? jobIdOf(op.nativeId) : null);

/** Reads the job (its log lines are the evidence) and the instance, as the engine has them now. */
const readStep = (op: Operation | null): PlannedStep<GanetiAdapter> => ({
  title: 'Read the job log and the instance from the cluster',
  request: `GET /2/jobs/${jobOf(op) ?? '{job}'} · GET /2/instances/${name(op)}`,
  changes: [],
  precondition: 'none (read-only)',
  manual: false,
  check: async () => null,
  async run({ adapter, operation, log, refresh }) {
    const id = jobOf(operation);
    if (!operation || id === null) throw new AppError('conflict', 'there is no job to read');
    const [job, instance] = await Promise.all([adapter.client.job(id), adapter.client.instance(operation.subject.name)]);
    for (const e of job ? jobLog(job).slice(-8) : []) log(`job ${id} log ${e[0]}: ${logText(e)}`);
    await refresh();
    const where = instance
      ? `${instance.status} on ${instance.pnode} (config)${instance.oper_state ? ', running' : ', not running there'}`
      : 'gone from the cluster';
    return `job ${id} is ${job?.status ?? 'archived'}; ${operation.subject.name} is ${where}`;
  },
});

/** Waits until the instance runs where the config says: the proof a repair worked (and the finding resolves by itself). */
const verifyStep = (op: Operation | null): PlannedStep<GanetiAdapter> => ({
  title: 'Wait until the instance runs on its primary node',
  request: `GET /2/instances/${name(op)} (every 2 s, up to 3 min)`,
  changes: [],
  precondition: 'none (read-only)',
  manual: false,
  check: async () => null,
  async run({ adapter, operation, refresh }) {
    if (!operation) throw new AppError('conflict', 'there is no instance to check');
    const deadline = Date.now() + 3 * 60_000;
    for (;;) {
      const i = await adapter.client.instance(operation.subject.name);
      if (!i) throw new AppError('conflict', `${operation.subject.name} is gone from the cluster`);
      if (i.status === 'running' && i.oper_state) {
        await refresh();
        return `${i.name} is running on ${i.pnode}, as the config says`;
      }
      if (Date.now() > deadline) throw new AppError('timeout', `${i.name} is still ${i.status} on ${i.pnode} after 3 min`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  },
});

export const GANETI_PLAYBOOKS: readonly Playbook<GanetiAdapter>[] = [
  {
    id: 'ganeti.cleanup',
    title: 'Clean up the migration',
    description:
      "Ganeti's migrate --cleanup: it asks both nodes where the instance really runs and makes the cluster config (or the hypervisor) agree, then phaseboard waits for it to run on its primary.",
    plan: (_f, op) => [
      readStep(op),
      actionStep({
        action: 'cleanup',
        title: 'Submit the cleanup',
        request: requestLine(REQUESTS.migrate(name(op), { cleanup: true })),
        changes: [`cluster config: ${name(op)}'s primary node set to where it runs (or the hypervisor stops the stray copy)`],
      }),
      verifyStep(op),
    ],
  },
  {
    id: 'ganeti.stop-start',
    title: 'Stop, then start the instance',
    description: 'What Ganeti asks for when an instance runs on no node: a stop shuts its disks down everywhere, a start brings it up on its primary.',
    plan: (_f, op) => [
      readStep(op),
      actionStep({
        action: 'restart',
        title: 'Stop the instance, then start it',
        request: `${requestLine(REQUESTS.shutdown(name(op)))} · ${requestLine(REQUESTS.startup(name(op)))}`,
        changes: [`${name(op)}: stopped (disks down), then started on its primary node`],
      }),
      verifyStep(op),
    ],
  },
  {
    id: 'ganeti.retry',
    title: 'Retry the migration',
    description: 'Re-reads the instance; only if it runs on its primary node is the failed request sent again.',
    plan: (_f, op) => [
      readStep(op),
      actionStep({
        action: 'retry',
        title: 'Send the migration again',
        request: op ? requestLine(retryRequest(op)) : 'PUT /2/instances/{instance}/migrate',
        changes: [`a new job moving ${name(op)}`],
      }),
    ],
  },
  {
    id: 'ganeti.read-job',
    title: 'Read the job and the instance',
    description: 'Read-only: the job log lines and where the instance is now.',
    observesOnly: true,
    plan: (_f, op) => [readStep(op)],
  },
];
