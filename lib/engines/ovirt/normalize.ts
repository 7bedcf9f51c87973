import 'server-only';
import type { DetailSpecs } from '@/lib/model/details';
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
    related: [
      ...(t.image ? [{ role: 'image', type: 'image' as const, id: t.image.id, name: null }] : []),
      ...(t.host ? [{ role: 'host', type: 'host' as const, id: t.host.id, name: t.host.name ?? null }] : []),
    ],
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

/** What oVirt's image transfers report, labelled. */
export const OVIRT_DETAILS: DetailSpecs = {
  image_transfer: [
    { key: 'direction', label: 'Direction', unit: 'text', summary: true },
    { key: 'diskId', label: 'Disk', unit: 'id' },
    {
      key: 'diskStatus',
      label: 'Disk status',
      unit: 'text',
      summary: true,
      help: 'OK is not enough: the disk is usable once the transfer reaches finished_success',
    },
    { key: 'host', label: 'Host', unit: 'text' },
    { key: 'inactivityTimeout', label: 'Inactivity timeout', unit: 's', help: 'oVirt pauses the transfer (paused_system) after this long without data' },
  ],
};
