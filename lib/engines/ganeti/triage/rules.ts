import 'server-only';
import { formatDuration } from '@/lib/format/durations';
import type { FindingDraft } from '@/lib/model/finding';
import type { Operation } from '@/lib/model/operation';
import { aboutOperation, evidence } from '@/lib/triage/draft';
import type { RuleContext, TriageRule } from '@/lib/triage/rule';
import { NOT_RUNNING_AT_ALL, STUCK_FLOOR_MS, WRONG_NODE_STATES } from '../constants';
import { ERROR_CLASSES } from '../normalize';

/** What goes wrong with Ganeti's migrations (seed 003), each with its safe way out (playbooks.ts). */

const MIGRATIONS = new Set(['live_migration', 'cold_migration']);
const str = (v: unknown) => (v === null || v === undefined || v === '' ? '?' : String(v));
const ms = (iso: unknown) => (typeof iso === 'string' ? Date.parse(iso) : NaN);
const endedMs = (op: Operation) => ms(op.details.endedAt) || ms(op.endedAt) || ms(op.phaseChangedAt);

/** The job's last log line, at the time Ganeti wrote it: the evidence every Ganeti finding shows. */
const lastLogLine = (op: Operation) => evidence('last log line', op.details.lastLog, typeof op.details.lastLogAt === 'string' ? op.details.lastLogAt : null);

/** Each instance's newest migration job that has ended (or vanished), from what the engine lists and what ended lately. */
function lastMigrationPerInstance(ctx: RuleContext): Operation[] {
  const newest = new Map<string, Operation>();
  for (const op of [...ctx.live, ...ctx.recentlyEnded]) {
    if (!MIGRATIONS.has(op.kind) || op.connectionId !== ctx.connection.id) continue;
    const had = newest.get(op.subject.id);
    if (!had || Number(op.details.jobId) > Number(had.details.jobId)) newest.set(op.subject.id, op);
  }
  return [...newest.values()].filter((op) => op.gone || op.state === 'succeeded' || op.state === 'failed' || op.state === 'cancelled');
}

/** The instance is still in the cluster (a job about one since removed is history, not a problem to act on). */
const exists = (op: Operation) => op.details.instanceStatus !== null && op.details.instanceStatus !== undefined;

/** A job of the instance still queued or running (a cleanup on its way): then nothing is wrong yet. */
const busy = (ctx: RuleContext, instance: string) =>
  ctx.live.some((op) => op.subject.id === instance && !op.gone && (op.state === 'pending' || op.state === 'running'));

const wrongNode: TriageRule = {
  id: 'ganeti.wrong-node',
  evaluate: (ctx) =>
    lastMigrationPerInstance(ctx)
      .filter((op) => WRONG_NODE_STATES.has(String(op.details.instanceStatus)) && !busy(ctx, op.subject.id))
      .map((op): FindingDraft => ({
        ruleId: 'ganeti.wrong-node',
        key: `ganeti.wrong-node:${op.connectionId}:${op.subject.id}`,
        severity: 'critical',
        title: `${op.subject.name} is ${str(op.details.instanceStatus)} after migration job ${str(op.details.jobId)}: the cluster and the hypervisor disagree`,
        explanation:
          `Ganeti's config says ${op.subject.name} runs on ${str(op.details.primaryNode)}, but the hypervisor there does not run it (${str(op.details.instanceStatus)}). ` +
          'A migration finalizes in two steps, on the source and on the destination; interrupted between them it leaves the instance running on a node the cluster does not record (seed 003). ' +
          '`gnt-instance migrate --cleanup` asks both nodes where it really runs and makes the config agree; a plain retry or a start would make it worse.',
        cause: `migration job ${str(op.details.jobId)} ${op.state === 'succeeded' ? 'ended' : `ended ${op.nativePhase}`} with the hypervisor state and the config apart (a node or daemon lost mid-finalize)`,
        since: new Date(endedMs(op) || ctx.now).toISOString(),
        ...aboutOperation(op),
        evidence: [
          evidence('instance status', op.details.instanceStatus),
          evidence('primary node in the config', op.details.primaryNode),
          evidence('job', `${str(op.details.jobId)} ${op.nativePhase}: ${str(op.details.source)} → ${str(op.details.target)}`, op.endedAt),
          lastLogLine(op),
        ],
        remedies: [
          {
            playbookId: 'ganeti.cleanup',
            label: 'Clean up the migration (migrate --cleanup)',
            rank: 1,
            why: 'Ganeti finds where the instance really runs and repairs the config to match; nothing moves.',
          },
        ],
        supersedes: ['no-progress', 'phase-overdue'],
      })),
};

const notRunningAtAll: TriageRule = {
  id: 'ganeti.cleanup-not-running',
  evaluate: (ctx) =>
    [...ctx.live, ...ctx.recentlyEnded]
      .filter((op) => op.kind === 'migration_cleanup' && op.state === 'failed' && NOT_RUNNING_AT_ALL.test(String(op.details.failure ?? '')))
      .filter((op) => exists(op) && op.details.instanceStatus !== 'running' && !busy(ctx, op.subject.id))
      .map((op): FindingDraft => ({
        ruleId: 'ganeti.cleanup-not-running',
        key: `ganeti.cleanup-not-running:${op.connectionId}:${op.subject.id}`,
        severity: 'critical',
        title: `${op.subject.name} runs on no node: the cleanup (job ${str(op.details.jobId)}) could not repair it`,
        explanation:
          `The cleanup asked every node and none runs ${op.subject.name}. Ganeti says: "${str(op.details.failure)}". ` +
          'A stop makes sure its disks are shut down everywhere; the start then brings it up on its primary node.',
        cause: 'the instance died or was killed on the node during or after a migration',
        since: new Date(endedMs(op) || ctx.now).toISOString(),
        ...aboutOperation(op),
        evidence: [
          evidence('cleanup job', `${str(op.details.jobId)} failed (${str(op.details.errorClass)})`, op.endedAt),
          lastLogLine(op),
          evidence('instance status', op.details.instanceStatus),
        ],
        remedies: [{ playbookId: 'ganeti.stop-start', label: 'Stop, then start the instance', rank: 1, why: 'What Ganeti asks for in its own error.' }],
        supersedes: ['no-progress', 'phase-overdue'],
      })),
};

const stuck: TriageRule = {
  id: 'ganeti.migration-stuck',
  evaluate: (ctx) =>
    ctx.live
      .filter((op) => (MIGRATIONS.has(op.kind) || op.kind === 'failover') && op.nativePhase === 'running' && !op.gone)
      .flatMap((op): FindingDraft[] => {
        const usual = ctx.expectedPhase(op);
        const quietSince = ms(op.details.lastLogAt) || ms(op.phaseChangedAt);
        const runningFor = ctx.now - ms(op.phaseChangedAt);
        const limit = Math.max(STUCK_FLOOR_MS, usual.ms);
        if (!(runningFor > limit && ctx.now - quietSince > limit)) return [];
        return [
          {
            ruleId: 'ganeti.migration-stuck',
            key: `ganeti.migration-stuck:${op.id}`,
            severity: 'warning',
            title: `${op.subject.name}'s ${op.kind === 'failover' ? 'failover' : 'migration'} has run ${formatDuration(runningFor)} without a new log line`,
            explanation:
              `Job ${str(op.details.jobId)} has been running ${formatDuration(runningFor)}; ${usual.source === 'history' ? 'on this cluster such jobs take at most about' : 'phaseboard has too little history yet and allows'} ${formatDuration(usual.ms)}. ` +
              `Its last log line, ${formatDuration(ctx.now - quietSince)} ago, was "${str(op.details.lastLog)}". A running job cannot be cancelled: look at the nodes (a hook or the hypervisor may hang). Once it ends, check the instance status before anything else.`,
            cause: 'a pre-migration hook, the hypervisor or a node daemon not answering',
            since: new Date(quietSince).toISOString(),
            ...aboutOperation(op),
            evidence: [
              evidence('job', `${str(op.details.jobId)} running, ${str(op.details.source)} → ${str(op.details.target)}`, op.phaseChangedAt),
              lastLogLine(op),
              evidence(usual.source === 'history' ? 'usual length here' : 'assumed length', formatDuration(usual.ms)),
            ],
            remedies: [
              {
                playbookId: 'ganeti.read-job',
                label: 'Read the job and the instance again',
                rank: 1,
                why: 'Read-only: the job log and where the instance is, before anyone touches a node.',
              },
            ],
            supersedes: ['no-progress', 'phase-overdue'],
          },
        ];
      }),
};

const failedWithClass: TriageRule = {
  id: 'ganeti.job-failed',
  evaluate: (ctx) =>
    lastMigrationPerInstance(ctx)
      .filter((op) => op.state === 'failed' && exists(op) && !WRONG_NODE_STATES.has(String(op.details.instanceStatus)) && !busy(ctx, op.subject.id))
      .map((op): FindingDraft => {
        const cls = str(op.details.errorClass);
        return {
          ruleId: 'ganeti.job-failed',
          key: `ganeti.job-failed:${op.id}`,
          severity: cls === 'OpExecError' ? 'critical' : 'warning',
          title: `${op.subject.name}'s migration (job ${str(op.details.jobId)}) failed: ${cls}`,
          explanation: `Ganeti says: "${str(op.details.failure)}". ${cls}: ${ERROR_CLASSES[cls] ?? 'see the message'}.`,
          cause: op.details.errorKind ? `Ganeti classes it as ${str(op.details.errorKind)}` : 'see the message',
          since: new Date(endedMs(op) || ctx.now).toISOString(),
          ...aboutOperation(op),
          evidence: [
            evidence('error', op.details.failure, op.endedAt),
            evidence('class', cls),
            evidence('instance status', `${str(op.details.instanceStatus)} on ${str(op.details.primaryNode)}`),
          ],
          remedies: [
            {
              playbookId: 'ganeti.retry',
              label: 'Retry the migration once the cause is fixed',
              rank: 1,
              why: 'The instance is re-read first; the same request is sent again only if it runs on its primary.',
            },
          ],
          supersedes: ['no-progress', 'phase-overdue'],
        };
      }),
};

export const GANETI_RULES: readonly TriageRule[] = [wrongNode, notRunningAtAll, stuck, failedWithClass];
