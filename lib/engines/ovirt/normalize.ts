import 'server-only';
import type { OperationState } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import type { TransferPhase } from './constants';
import type { OvirtDisk, OvirtImageTransfer } from './parse';

/**
 * Native phase → normalized state. cancelled_* are not terminal in oVirt: the
 * engine still cleans up (finalizing_cleanup → finished_cleanup), so they map
 * to finalizing and the board keeps watching until finished_cleanup.
 */
export const PHASE_STATE: Record<TransferPhase, OperationState> = {
  initializing: 'pending',
  transferring: 'running',
  resuming: 'running',
  paused_system: 'paused',
  paused_user: 'paused',
  cancelled: 'finalizing',
  cancelled_system: 'finalizing',
  cancelled_user: 'finalizing',
  finalizing_success: 'finalizing',
  finalizing_failure: 'finalizing',
  finalizing_cleanup: 'finalizing',
  finished_success: 'succeeded',
  finished_failure: 'failed',
  finished_cleanup: 'cancelled',
  unknown: 'unknown',
};

export function phaseState(phase: string): OperationState {
  return (PHASE_STATE as Record<string, OperationState | undefined>)[phase] ?? 'unknown';
}

function isInlinedDisk(disk: OvirtImageTransfer['disk']): disk is OvirtDisk {
  return disk !== undefined && ('status' in disk || 'name' in disk || 'alias' in disk || 'provisioned_size' in disk);
}

/** An image transfer (with its disk inlined, or a disk fetched separately) → snapshot. */
export function transferSnapshot(t: OvirtImageTransfer, disk?: OvirtDisk | null): OperationSnapshot {
  const d = disk ?? (isInlinedDisk(t.disk) ? t.disk : undefined);
  const diskId = d?.id ?? t.disk?.id ?? 'unknown';
  const total = t.direction === 'upload' ? (d?.initial_size ?? d?.provisioned_size) : (d?.actual_size ?? d?.provisioned_size);
  return {
    nativeId: t.id,
    kind: 'image_transfer',
    subject: { type: 'disk', id: diskId, name: d?.name ?? d?.alias ?? diskId },
    nativePhase: t.phase,
    state: phaseState(t.phase),
    progress: t.transferred !== undefined ? { unit: 'bytes', done: t.transferred, total: total ?? null } : null,
    details: {
      direction: t.direction ?? null,
      diskId,
      diskStatus: d?.status ?? null,
      host: t.host?.name ?? t.host?.id ?? null,
      inactivityTimeout: t.inactivity_timeout ?? null,
    },
    startedAt: null,
  };
}
