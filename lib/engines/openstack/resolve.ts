import 'server-only';
import type { Resolution } from '@/lib/model/snapshot';
import { migrationState } from './normalize';
import type { Operation } from '@/lib/model/operation';
import type { CinderAttachment, CinderVolume, NovaInstanceAction, NovaMigration, NovaServer } from './parse';

/**
 * How a migration ended that Nova stopped listing. Nova keeps migration
 * records for ever; they leave the list only with their instance (deleted
 * records are hidden), so the instance and its record decide.
 */
export function migrationAfterVanish(o: {
  nativeId: string;
  lastPhase: string;
  instanceName: string;
  server: NovaServer | null;
  record: NovaMigration | null;
}): Resolution {
  if (o.record) {
    const state = migrationState(o.record.status);
    if (state === 'succeeded' || state === 'failed' || state === 'cancelled') {
      return { state, message: `Nova's record says ${o.record.status}` };
    }
  }
  if (o.server === null) {
    return { state: 'cancelled', message: `instance ${o.instanceName} was deleted while its migration was ${o.lastPhase}` };
  }
  return { state: 'unknown', message: `Nova no longer lists the migration (last seen ${o.lastPhase}); instance ${o.instanceName} is ${o.server.status}` };
}

/** Why a live migration ended in error, as Nova's instance action tells it ("No valid host was found."). */
export function failureReason(action: NovaInstanceAction | null): string | null {
  if (!action) return null;
  const failed = (action.events ?? []).filter((e) => e.result && e.result !== 'Success');
  const words = failed.map((e) => `${e.event}: ${(e.details ?? e.result ?? '').trim()}`).filter(Boolean);
  if (words.length) return words.join('; ');
  return action.message && action.message !== 'Success' ? `${action.action}: ${action.message}` : null;
}

/** An attachment deleted before it was attached: a reservation given up (by Nova after a failed attach, or by an operator). */
export function attachmentAfterVanish(op: Pick<Operation, 'nativeId' | 'nativePhase' | 'subject'>, volume: CinderVolume | null): Resolution {
  const where = volume ? `volume ${op.subject.name} is ${volume.status}` : `volume ${op.subject.name} was deleted`;
  return { state: 'cancelled', message: `attachment deleted while ${op.nativePhase}; ${where}`, details: { volumeStatus: volume?.status ?? 'deleted' } };
}

/**
 * How a swap ended (seed 002): the old attachment deleted means it
 * succeeded; the new one deleted means it failed and the old volume stays.
 */
export function swapAfterVanish(op: Pick<Operation, 'details'>, attachments: readonly CinderAttachment[]): Resolution {
  const has = (id: unknown) => attachments.some((a) => a.id === id);
  const oldThere = has(op.details.oldAttachmentId);
  const newThere = has(op.details.newAttachmentId);
  const from = String(op.details.oldVolume ?? op.details.oldVolumeId);
  const to = String(op.details.newVolume ?? op.details.newVolumeId);
  if (!oldThere && newThere) return { state: 'succeeded', message: `swapped: ${to} replaces ${from}; the old attachment was deleted` };
  if (oldThere && !newThere) return { state: 'failed', message: `swap failed: the new attachment to ${to} was deleted; ${from} stays attached` };
  if (!oldThere && !newThere) return { state: 'failed', message: `both attachments are gone: neither ${from} nor ${to} is attached` };
  return { state: 'unknown', message: `both attachments are still there, but ${from} is no longer detaching` };
}

/** How an instance task ended once Nova cleared it. */
export function taskAfterVanish(op: Pick<Operation, 'nativePhase' | 'subject'>, server: NovaServer | null): Resolution {
  if (server === null) {
    return op.nativePhase === 'deleting'
      ? { state: 'succeeded', message: `instance ${op.subject.name} deleted` }
      : { state: 'cancelled', message: `instance ${op.subject.name} was deleted during ${op.nativePhase}` };
  }
  const task = server['OS-EXT-STS:task_state'];
  // still busy: followed as its migration now, or a task that another took over
  if (task) return { state: 'succeeded', message: `task ${op.nativePhase} went on as ${task === op.nativePhase ? 'its migration' : `task ${task}`}` };
  if (server.status === 'ERROR') return { state: 'failed', message: `task ${op.nativePhase} ended with instance ${op.subject.name} in ERROR` };
  return { state: 'succeeded', message: `task ${op.nativePhase} done; instance ${op.subject.name} is ${server.status}` };
}
