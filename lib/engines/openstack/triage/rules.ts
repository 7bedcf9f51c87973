import 'server-only';
import { formatDuration } from '@/lib/format/durations';
import type { FindingDraft } from '@/lib/model/finding';
import type { Operation } from '@/lib/model/operation';
import { aboutOperation, evidence } from '@/lib/triage/draft';
import type { RuleContext, TriageRule } from '@/lib/triage/rule';
import { engineSince, NOT_STARTED, STUCK_AFTER_MS } from '../constants';

export { STUCK_AFTER_MS };

/** What goes wrong with Nova's migrations (seed 002), each with its safe ways out (playbooks.ts). */

/** A record in progress with no task on its instance this long is left over, not slow: Nova clears the task when it ends. */
export const RECORD_WITHOUT_TASK_MS = 5 * 60_000;
/**
 * Nova's resize_confirm_window is 0 (off) unless an operator sets it, and the
 * API does not tell: a finished move left an hour unconfirmed is worth a look.
 */
export const UNCONFIRMED_AFTER_MS = 60 * 60_000;
/** past the cloud's own auto-confirm window (with its periodic task's minute of slack), or an hour when it has none */
const unconfirmedAfter = (op: Operation) => (op.details.autoConfirmS ? Number(op.details.autoConfirmS) * 1000 + 5 * 60_000 : UNCONFIRMED_AFTER_MS);

const IN_PROGRESS = new Set(['accepted', 'queued', 'preparing', 'running', 'pre-migrating', 'migrating', 'post-migrating', 'confirming', 'reverting']);
const migrations = (ctx: RuleContext) => ctx.live.filter((op) => op.kind === 'live_migration' || op.kind === 'cold_migration' || op.kind === 'resize');
/** since when the engine says it has been so (a restart of phaseboard does not move it) */
const lastChange = (op: Operation) => engineSince(op);
const noun = (op: Operation) => (op.kind === 'resize' ? 'resize' : op.kind === 'live_migration' ? 'live migration' : 'migration');

const recordWithoutTask: TriageRule = {
  id: 'openstack.record-without-task',
  evaluate: (ctx) =>
    migrations(ctx)
      .filter((op) => IN_PROGRESS.has(op.nativePhase) && op.details.taskState === null && ctx.now - lastChange(op) > RECORD_WITHOUT_TASK_MS)
      .map((op): FindingDraft => ({
        ruleId: 'openstack.record-without-task',
        key: `openstack.record-without-task:${op.id}`,
        severity: 'warning',
        title: `${noun(op).replace(/^./, (c) => c.toUpperCase())} record stuck in ${op.nativePhase}; nothing runs on ${op.subject.name}`,
        explanation:
          `Nova's migration record says ${op.nativePhase}, but the instance has no task: no service is working on it. ` +
          'A record like this is left behind when a service died or a message was lost mid-operation (seed 002); it never ends by itself, and it blocks nothing but your reports and quotas.',
        cause: 'a nova-compute or nova-conductor restart, or a message-bus outage, while the migration ran',
        since: new Date(lastChange(op)).toISOString(),
        ...aboutOperation(op),
        evidence: [
          evidence('migration status', op.nativePhase, op.phaseChangedAt),
          evidence('instance task_state', 'none'),
          evidence('record last changed', formatDuration(ctx.now - lastChange(op)) + ' ago'),
          evidence('hosts', `${String(op.details.sourceHost ?? '?')} → ${String(op.details.destinationHost ?? '?')}`),
        ],
        remedies: [
          {
            playbookId: 'openstack.recheck-migration',
            label: 'Read the record and the instance again',
            rank: 1,
            why: 'Read-only: rules out a slow poll before anything is changed.',
          },
          {
            playbookId: 'openstack.close-stale-record',
            label: 'Close the record in Nova’s database',
            rank: 2,
            why: 'Nova has no API to end a record; marking it error by hand is what operators do, once the instance is known to be where Nova says.',
          },
        ],
        supersedes: ['no-progress', 'phase-overdue'],
      })),
};

const unconfirmed: TriageRule = {
  id: 'openstack.resize-unconfirmed',
  evaluate: (ctx) =>
    migrations(ctx)
      .filter((op) => op.nativePhase === 'finished' && ctx.now - lastChange(op) > unconfirmedAfter(op))
      .map((op): FindingDraft => ({
        ruleId: 'openstack.resize-unconfirmed',
        key: `openstack.resize-unconfirmed:${op.id}`,
        severity: 'warning',
        title: `${noun(op).replace(/^./, (c) => c.toUpperCase())} of ${op.subject.name} has waited ${formatDuration(ctx.now - lastChange(op))} for a confirm`,
        explanation:
          `The instance runs on ${String(op.details.destinationHost ?? 'the destination')} in VERIFY_RESIZE, while ${String(op.details.sourceHost ?? 'the source')} still holds its old copy and resources. ` +
          (op.details.autoConfirmS
            ? `This cloud confirms by itself after ${formatDuration(Number(op.details.autoConfirmS) * 1000)} (resize_confirm_window), and that time has passed: its periodic task is not running or fails on this instance. `
            : 'Nova confirms by itself only if resize_confirm_window is set (0, off, by default); ') +
          'until then the instance cannot be migrated, resized or snapshotted again.',
        cause: 'nobody confirmed, and the cloud has no auto-confirm window (or a longer one)',
        since: new Date(lastChange(op)).toISOString(),
        ...aboutOperation(op),
        evidence: [
          evidence('migration status', 'finished', op.phaseChangedAt),
          evidence('waiting for', formatDuration(ctx.now - lastChange(op))),
          evidence('source still holds it', String(op.details.sourceHost ?? '?')),
        ],
        remedies: [
          { playbookId: 'openstack.confirm', label: 'Confirm', rank: 1, why: 'Keeps the instance where it runs now and frees the source.' },
          { playbookId: 'openstack.revert', label: 'Revert', rank: 2, why: 'If the new host or flavor is wrong: the instance goes back and restarts there.' },
        ],
        supersedes: ['no-progress', 'phase-overdue'],
      })),
};

const STUCK_TASKS = /^(deleting|migrating|resize_.*|rebuilding|rebooting.*|powering-.*)$/;

const taskStuck: TriageRule = {
  id: 'openstack.task-stuck',
  evaluate: (ctx) =>
    ctx.live
      .filter((op) => op.kind === 'instance_task' && STUCK_TASKS.test(op.nativePhase) && ctx.now - lastChange(op) > STUCK_AFTER_MS)
      // without the admin role a migration's task shows alone, and a long migration is not a stuck one
      .filter((op) => op.details.migrationsVisible !== false || !/^(migrating|resize_.*)$/.test(op.nativePhase))
      .map((op): FindingDraft => {
        const deleting = op.nativePhase === 'deleting';
        return {
          ruleId: 'openstack.task-stuck',
          key: `openstack.task-stuck:${op.id}`,
          severity: deleting ? 'critical' : 'warning',
          title: `${op.subject.name} stuck in task ${op.nativePhase}`,
          explanation:
            `Nova says ${op.subject.name} is ${op.nativePhase}, and no migration of it is in progress: nothing is working on it. ` +
            'When the message bus dies mid-operation (seed 002), the compute never gets the request and the task stays for ever; ' +
            (deleting
              ? 'the instance can be neither used nor deleted again until its state is reset.'
              : 'no other action is accepted on the instance until its state is reset.'),
          cause: 'a lost RPC message (message-bus outage or a nova-compute restart) while the task ran',
          since: new Date(lastChange(op)).toISOString(),
          ...aboutOperation(op),
          evidence: [
            evidence('task_state', op.nativePhase, op.phaseChangedAt),
            evidence('vm_state', op.details.vmState),
            evidence('status', op.details.status),
            evidence('host', op.details.host),
            evidence('migration in progress', 'none'),
          ],
          remedies: [
            {
              playbookId: 'openstack.reset-state',
              label: deleting ? 'Reset to error, then delete again' : 'Reset the state to active',
              rank: 1,
              why: deleting
                ? 'os-resetState clears the task in the database; a new delete then reaches the compute while the bus is up.'
                : 'os-resetState clears the task; check on the host that the guest runs where Nova says first.',
            },
          ],
          supersedes: ['no-progress', 'phase-overdue'],
        };
      }),
};

const attachmentStuck: TriageRule = {
  id: 'openstack.attachment-stuck',
  evaluate: (ctx) =>
    ctx.live
      .filter((op) => op.kind === 'volume_attachment' && ['reserved', 'attaching', 'detaching', 'error_attaching', 'error_detaching'].includes(op.nativePhase))
      .filter((op) => ctx.now - lastChange(op) > STUCK_AFTER_MS)
      .map((op): FindingDraft => {
        const reservation = op.nativePhase === 'reserved' || op.nativePhase === 'attaching' || op.nativePhase === 'error_attaching';
        return {
          ruleId: 'openstack.attachment-stuck',
          key: `openstack.attachment-stuck:${op.id}`,
          severity: 'warning',
          title: reservation ? `Attachment of ${op.subject.name} left ${op.nativePhase}` : `${op.subject.name} stuck ${op.nativePhase}`,
          explanation: reservation
            ? `Cinder holds an attachment of ${op.subject.name} for ${String(op.details.instance ?? 'an instance')} that never completed, so the volume stays ${String(op.details.volumeStatus ?? 'reserved')} and cannot be attached elsewhere. ` +
              'Nova creates one before every attach and deletes it when the attach fails; one left behind means Nova (or another client) went away in between.'
            : `The volume has been ${op.nativePhase} for ${formatDuration(ctx.now - lastChange(op))}: the detach did not finish on the host or was never told to Cinder.`,
          cause: reservation
            ? 'an attach given up half-way (a client crash, an API call without the follow-up)'
            : 'a compute that lost the request, or a host-side detach that failed',
          since: new Date(lastChange(op)).toISOString(),
          ...aboutOperation(op),
          evidence: [
            evidence('attachment status', op.nativePhase, op.phaseChangedAt),
            evidence('volume status', op.details.volumeStatus),
            evidence('instance', op.details.instance),
            evidence('attachment', op.details.attachmentId),
          ],
          remedies: reservation
            ? [
                {
                  playbookId: 'openstack.delete-attachment',
                  label: 'Delete the attachment',
                  rank: 1,
                  why: "Frees the volume. Cinder's service-token rule lets only Nova delete an attachment an instance uses; one no instance uses can be deleted here.",
                },
                {
                  playbookId: 'openstack.reset-volume',
                  label: 'Reset the volume status',
                  rank: 2,
                  why: 'If the delete is refused: sets the volume available in the database only.',
                },
              ]
            : [
                {
                  playbookId: 'openstack.reset-volume',
                  label: 'Reset the volume status',
                  rank: 1,
                  why: 'Sets the volume available in the database only; check on the host that it is really detached first.',
                },
              ],
          supersedes: ['no-progress', 'phase-overdue'],
        };
      }),
};

const neverStarted: TriageRule = {
  id: 'openstack.move-never-started',
  evaluate: (ctx) =>
    migrations(ctx)
      .filter((op) => NOT_STARTED.has(op.nativePhase) && op.details.taskState !== null && ctx.now - lastChange(op) > STUCK_AFTER_MS)
      .map((op): FindingDraft => ({
        ruleId: 'openstack.move-never-started',
        key: `openstack.move-never-started:${op.id}`,
        severity: 'critical',
        title: `${noun(op).replace(/^./, (c) => c.toUpperCase())} of ${op.subject.name} never started (${op.nativePhase} for ${formatDuration(ctx.now - lastChange(op))})`,
        explanation:
          `Nova accepted the ${noun(op)} and set ${op.subject.name}'s task to ${String(op.details.taskState)}, but no service has acted on the record since: ` +
          'the message that starts it was lost (seed 002: a message-bus outage, or a conductor that died with it). It will never start, and the instance accepts no other action while the task is set.',
        cause: 'a message lost between the API, the conductor and the computes',
        since: new Date(lastChange(op)).toISOString(),
        ...aboutOperation(op),
        evidence: [
          evidence('migration status', op.nativePhase, op.phaseChangedAt),
          evidence('instance task_state', op.details.taskState),
          evidence('record unchanged for', formatDuration(ctx.now - lastChange(op))),
        ],
        remedies: [
          {
            playbookId: 'openstack.reset-state',
            label: 'Reset the instance to active',
            rank: 1,
            why: 'Clears the task so the instance can be used and migrated again; the record left behind is then closed by hand (its own finding follows).',
          },
        ],
        supersedes: ['no-progress', 'phase-overdue', 'openstack.record-without-task'],
      })),
};

export const OPENSTACK_RULES: readonly TriageRule[] = [recordWithoutTask, unconfirmed, taskStuck, attachmentStuck, neverStarted];
