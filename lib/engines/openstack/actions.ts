import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { ActionAvailability, Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import type { ActionRequest, ActionResult, ActionView } from '../types';
import { compareMicroversions, REQUESTS, requestLine, type OpenStackClient, type OpenStackRequest } from './client';
import { COMPUTE_FEATURES, engineSince, NOT_STARTED, STUCK_AFTER_MS, type ComputeFeature, type VolumeFeature } from './constants';
import type { MoveParams } from './forms';
import { migrationIdOf } from './normalize';

/** What the actions need to know of the cloud: whether the credentials are admin, and the compute API's maximum (null until first seen). */
export interface CloudFacts {
  admin: boolean | null;
  computeMax: string | null;
}

const str = (v: unknown) => (v === null || v === undefined || v === '' ? '?' : String(v));
export const ADMIN_REASON = "the credentials lack the admin role, which Nova's default policy asks for";

/**
 * What can be done to a Nova migration now, in Nova's own terms: a running
 * live migration can be force-completed or aborted (queued/preparing ones
 * only aborted, from 2.65); a cold migration or resize that is `finished`
 * waits for a confirm or a revert.
 */
export function describeOpenStackActions(op: ActionView, cloud: CloudFacts): ActionAvailability[] {
  const ended = op.gone || isTerminal(op.state);
  const endedReason = op.gone ? 'the cloud no longer lists it' : `it has ended (${op.nativePhase})`;
  const d = op.details;
  const supports = (f: ComputeFeature) => cloud.computeMax === null || compareMicroversions(cloud.computeMax, COMPUTE_FEATURES[f].min) >= 0;
  const tooOld = (f: ComputeFeature) => `this cloud's compute API goes up to ${str(cloud.computeMax)}; this needs ${COMPUTE_FEATURES[f].min}`;
  const when = (ok: boolean, reason: string, o: { admin?: boolean; feature?: ComputeFeature } = {}) => {
    if (ended) return { enabled: false, reason: endedReason };
    if (o.feature && !supports(o.feature)) return { enabled: false, reason: tooOld(o.feature) };
    if (o.admin && cloud.admin === false) return { enabled: false, reason: ADMIN_REASON };
    return ok ? { enabled: true } : { enabled: false, reason };
  };
  const phase = op.nativePhase;
  // a move whose message was lost (seed 002) holds its instance's task for ever: reset-state is the way out, once it has sat long enough
  const resetState: ActionAvailability = {
    name: 'reset_state',
    label: 'Reset instance state',
    dangerous: true,
    effect: `Nova clears ${op.subject.name}'s task ${str(d.taskState)} and marks it ACTIVE in its database (os-resetState); nothing runs on any host, and the record stays as it is.`,
    ...when(
      NOT_STARTED.has(phase) &&
        d.taskState !== null &&
        Date.now() - engineSince({ details: d, startedAt: null, phaseChangedAt: new Date().toISOString() }) > STUCK_AFTER_MS,
      `only for a move that never started (${[...NOT_STARTED].join(', ')} for ${STUCK_AFTER_MS / 60_000} min with the task still set); this one is ${phase}`,
      { admin: true },
    ),
  };
  if (op.kind === 'live_migration') {
    const early = phase === 'queued' || phase === 'preparing';
    return [
      {
        name: 'force_complete',
        label: 'Force complete',
        dangerous: true,
        effect: `Nova pauses ${op.subject.name} on ${str(d.sourceHost)} so the memory left copies at once, then resumes it on ${str(d.destinationHost)}. The guest stands still for the rest of the copy.`,
        ...when(phase === 'running', `Nova force-completes only a running live migration; this one is ${phase}`, { admin: true, feature: 'forceComplete' }),
      },
      {
        name: 'abort',
        label: 'Abort migration',
        dangerous: true,
        effect: `Nova cancels the live migration; ${op.subject.name} keeps running on ${str(d.sourceHost)}.`,
        ...(early && !supports('abortQueued')
          ? when(false, tooOld('abortQueued'))
          : when(phase === 'running' || early, `Nova aborts a live migration only while it is queued, preparing or running; this one is ${phase}`, {
              admin: true,
              feature: 'abort',
            })),
      },
    ];
  }
  if (op.kind === 'cold_migration' || op.kind === 'resize') {
    const finished = phase === 'finished';
    const noun = op.kind === 'resize' ? 'resize' : 'migration';
    const waits = `Nova waits for a confirm or a revert once the ${noun} is finished; it is ${phase}`;
    return [
      {
        name: 'confirm',
        label: op.kind === 'resize' ? 'Confirm resize' : 'Confirm migration',
        dangerous: false,
        // the instance runs on the destination, but nothing is final until someone confirms (or Nova's auto-confirm does)
        awaited: finished,
        effect: `Nova keeps ${op.subject.name} on ${str(d.destinationHost)}${op.kind === 'resize' ? ' with its new flavor' : ''} and frees what it held on ${str(d.sourceHost)}; it can no longer be reverted.`,
        ...when(finished, waits),
      },
      {
        name: 'revert',
        label: op.kind === 'resize' ? 'Revert resize' : 'Revert migration',
        dangerous: true,
        effect: `Nova moves ${op.subject.name} back to ${str(d.sourceHost)}${op.kind === 'resize' ? ' with its old flavor' : ''}; the guest restarts there.`,
        ...when(finished, waits),
      },
      resetState,
    ];
  }
  if (op.kind === 'volume_attachment') {
    const volumeStatus = String(d.volumeStatus ?? '');
    const unsettled = ['reserved', 'attaching', 'detaching', 'error_attaching', 'error_detaching'].includes(volumeStatus);
    return [
      {
        name: 'delete_attachment',
        label: 'Delete attachment',
        dangerous: true,
        effect:
          `Cinder deletes attachment ${str(d.attachmentId)}; ${op.subject.name} becomes available if nothing else holds it. ` +
          "Cinder's service-token rule (OSSA-2023-003): an attachment an instance still uses can only be deleted by Nova itself, so this is for one no instance uses.",
        ...when(
          ['reserved', 'attaching', 'error_attaching'].includes(phase),
          `only an attachment that never completed (reserved, attaching) is deleted here; this one is ${phase}`,
        ),
      },
      {
        name: 'reset_volume',
        label: 'Reset volume status',
        dangerous: true,
        effect:
          `Cinder sets ${op.subject.name} to available and detached in its database and drops its attachment records; nothing is detached on any host, ` +
          'so use it only when no instance uses the volume.',
        ...when(unsettled, `the volume is ${volumeStatus || 'in a settled state'}; reset-status is for a volume stuck attaching, detaching or reserved`, {
          admin: true,
        }),
      },
    ];
  }
  if (op.kind === 'instance_task') {
    return [
      {
        name: 'reset_state',
        label: 'Reset state',
        dangerous: true,
        effect: `Nova clears task ${phase} and marks ${op.subject.name} ${resetTo(d.taskState).toUpperCase()} in its database (os-resetState); nothing runs on the host.${resetTo(d.taskState) === 'error' ? ' Delete it again afterwards.' : ''}`,
        ...when(phase !== 'none', 'the instance has no task to reset', { admin: true }),
      },
    ];
  }
  return [];
}

/** The actions each OpenStack kind may offer. */
export const OPENSTACK_ACTIONS = {
  live_migration: [{ name: 'force_complete' }, { name: 'abort' }, { name: 'reset_state' }],
  cold_migration: [{ name: 'confirm' }, { name: 'revert' }, { name: 'reset_state' }],
  resize: [{ name: 'confirm' }, { name: 'revert' }, { name: 'reset_state' }],
  volume_attachment: [{ name: 'delete_attachment' }, { name: 'reset_volume' }],
  volume_swap: [],
  instance_task: [{ name: 'reset_state' }],
};

/** A delete that never ended is reset to error (then deleted again); a move's task to active, as the instance runs where Nova says. */
export const resetTo = (task: unknown) => (task === 'deleting' || task === null || task === undefined ? 'error' : 'active');

/** The request an action sends: what a dry run shows is what is sent. */
export function actionRequest(
  action: string,
  op: Pick<Operation, 'nativeId' | 'subject' | 'details'>,
): { request: OpenStackRequest; feature: ComputeFeature | VolumeFeature } | null {
  const server = op.subject.id;
  switch (action) {
    case 'delete_attachment':
      return { request: REQUESTS.attachmentDelete(String(op.details.attachmentId ?? op.nativeId.replace(/^attachment:/, ''))), feature: 'attachments' };
    case 'reset_volume':
      return { request: REQUESTS.volumeAction(op.subject.id, { 'os-reset_status': { status: 'available', attach_status: 'detached' } }), feature: 'volumes' };
    case 'reset_state':
      return { request: REQUESTS.serverAction(server, { 'os-resetState': { state: resetTo(op.details.taskState) } }), feature: 'servers' };
  }
  const id = migrationIdOf(op.nativeId);
  if (id === null) return null;
  switch (action) {
    case 'force_complete':
      return { request: REQUESTS.forceComplete(server, id), feature: 'forceComplete' };
    case 'abort':
      return { request: REQUESTS.abort(server, id), feature: 'abort' };
    case 'confirm':
      return { request: REQUESTS.serverAction(server, { confirmResize: null }), feature: 'servers' };
    case 'revert':
      return { request: REQUESTS.serverAction(server, { revertResize: null }), feature: 'servers' };
  }
  return null;
}

const SENT: Record<string, string> = {
  force_complete: 'force-complete accepted: Nova pauses the guest and finishes the copy',
  abort: 'abort accepted: Nova cancels the migration',
  confirm: 'confirm accepted: Nova frees the source',
  revert: 'revert accepted: Nova moves the instance back',
  delete_attachment: 'attachment deleted by Cinder',
  reset_volume: 'volume reset to available by Cinder',
  reset_state: 'task cleared: Nova reset the instance state',
};
const ADMIN_ONLY = new Set(['force_complete', 'abort', 'reset_volume', 'reset_state']);

/** Sends the action; Nova answers 202 and the migration record tells how it ends (the collector follows it). */
export async function performOpenStackAction(client: OpenStackClient, cloud: CloudFacts, op: Operation, req: ActionRequest): Promise<ActionResult> {
  const r = actionRequest(req.action, op);
  if (!r) throw new AppError('unsupported', `OpenStack ${op.kind.replace(/_/g, ' ')} has no "${req.action}" action`);
  if (ADMIN_ONLY.has(req.action) && (cloud.admin ?? (await client.isAdmin())) === false) {
    throw new AppError('engine_refused', `${req.action} was not sent: ${ADMIN_REASON}`);
  }
  req.log(requestLine(r.request));
  await client.send(r.request, r.feature, req.correlationId);
  return { ok: true, message: SENT[req.action] ?? `${req.action} accepted` };
}

/**
 * The request that starts a move, at the cloud's microversion: a named host
 * for a cold migration needs 2.56; a live one sends block_migration "auto"
 * from 2.25 (before: false, with disk_over_commit).
 */
export async function moveRequest(
  client: OpenStackClient,
  kind: 'live_migration' | 'cold_migration',
  p: MoveParams,
): Promise<{ request: OpenStackRequest; feature: ComputeFeature; warnings: string[] }> {
  if (kind === 'live_migration') {
    const auto = (await client.microversion('liveMigrateAuto')) !== null;
    const body = auto ? { host: p.host, block_migration: 'auto' } : { host: p.host, block_migration: false, disk_over_commit: false };
    return { request: REQUESTS.serverAction(p.instance, { 'os-migrateLive': body }), feature: auto ? 'liveMigrateAuto' : 'liveMigrate', warnings: [] };
  }
  if (p.host !== null && (await client.microversion('coldMigrateHost')) === null) {
    throw new AppError(
      'invalid_input',
      "host: this cloud's compute API is older than 2.56 and cannot name a target for a cold migration; leave it to the scheduler",
      {
        field: 'host',
      },
    );
  }
  return {
    request: REQUESTS.serverAction(p.instance, { migrate: p.host === null ? null : { host: p.host } }),
    feature: p.host === null ? 'coldMigrate' : 'coldMigrateHost',
    warnings: ['It waits for your confirm once it is finished.'],
  };
}
