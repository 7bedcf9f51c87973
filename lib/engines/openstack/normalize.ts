import 'server-only';
import type { DetailSpecs, Related } from '@/lib/model/details';
import type { OperationKind, OperationState } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import { ATTACHMENT_STATES, MIGRATION_KINDS, MIGRATION_STATES } from './constants';
import { utcIso, type CinderAttachment, type CinderVolume, type NovaMigration, type NovaServer, type NovaServerMigration } from './parse';

/** What the adapter knows of an instance when it describes a migration of it. */
export interface InstanceView {
  name: string;
  taskState: string | null;
  vmState: string | null;
  host: string | null;
}

/** Native ids: migrations by Nova's integer id (the uuid only exists from 2.59). */
export const migrationNativeId = (id: number) => `migration:${id}`;
export const migrationIdOf = (nativeId: string): number | null => {
  const m = /^migration:(\d+)$/.exec(nativeId);
  return m ? Number(m[1]) : null;
};

/** Before 2.23 os-migrations has no migration_type: a changed flavor is a resize, the rest could be either kind of move. */
export function migrationKind(m: NovaMigration): OperationKind {
  if (m.migration_type) return MIGRATION_KINDS[m.migration_type] ?? 'cold_migration';
  if (m.old_instance_type_id != null && m.new_instance_type_id != null && m.old_instance_type_id !== m.new_instance_type_id) return 'resize';
  return ['queued', 'preparing', 'running', 'accepted'].includes(m.status) ? 'live_migration' : 'cold_migration';
}

export function migrationState(status: string): OperationState {
  return MIGRATION_STATES[status] ?? 'unknown';
}

const sum = (...xs: (number | null | undefined)[]) => {
  const present = xs.filter((x): x is number => typeof x === 'number');
  return present.length ? present.reduce((a, b) => a + b, 0) : null;
};

const copied = (total: number | null | undefined, remaining: number | null | undefined, processed: number | null | undefined) =>
  typeof total === 'number' && typeof remaining === 'number'
    ? Math.max(0, total - remaining)
    : typeof processed === 'number' && typeof total === 'number'
      ? Math.min(processed, total)
      : processed;

export function instanceView(s: NovaServer): InstanceView {
  return {
    name: s.name,
    taskState: s['OS-EXT-STS:task_state'] ?? null,
    vmState: s['OS-EXT-STS:vm_state'] ?? null,
    host: s['OS-EXT-SRV-ATTR:host'] ?? null,
  };
}

/**
 * A Nova migration record (with a live migration's byte counts when it is
 * running and the cloud has 2.23) → snapshot. Live migrations report
 * memory and disk bytes; a cold migration or resize only its status.
 */
export function migrationSnapshot(
  m: NovaMigration,
  o: { instance?: InstanceView | null; detail?: NovaServerMigration | null; attachments?: Related[]; autoConfirmS?: number } = {},
): OperationSnapshot {
  const kind = migrationKind(m);
  const d = o.detail;
  const total = sum(d?.memory_total_bytes, d?.disk_total_bytes);
  // processed counts dirty pages sent again (it passes the total); total − remaining is how far it got
  const done = sum(
    copied(d?.memory_total_bytes, d?.memory_remaining_bytes, d?.memory_processed_bytes),
    copied(d?.disk_total_bytes, d?.disk_remaining_bytes, d?.disk_processed_bytes),
  );
  const source = m.source_compute ?? null;
  const dest = m.dest_compute ?? d?.dest_compute ?? null;
  const related: Related[] = [
    ...(source ? [{ role: 'source host', type: 'host' as const, id: source, name: source }] : []),
    ...(dest ? [{ role: 'destination host', type: 'host' as const, id: dest, name: dest }] : []),
    ...(o.attachments ?? []),
  ];
  return {
    nativeId: migrationNativeId(m.id),
    kind,
    subject: { type: 'instance', id: m.instance_uuid, name: o.instance?.name ?? m.instance_uuid },
    nativePhase: m.status,
    state: migrationState(m.status),
    progress: kind === 'live_migration' && d && total !== null && total > 0 && done !== null ? { unit: 'bytes', done, total } : null,
    related,
    details: {
      migrationId: m.id,
      migrationUuid: m.uuid ?? null,
      sourceHost: source,
      destinationHost: dest,
      taskState: o.instance ? o.instance.taskState : null,
      ...(kind === 'live_migration'
        ? {
            memoryRemaining: d?.memory_remaining_bytes ?? null,
            memoryTotal: d?.memory_total_bytes ?? null,
            diskRemaining: d?.disk_remaining_bytes ?? null,
            diskTotal: d?.disk_total_bytes ?? null,
          }
        : {}),
      ...(kind === 'resize' ? { oldFlavorId: m.old_instance_type_id ?? null, newFlavorId: m.new_instance_type_id ?? null } : {}),
      ...(kind !== 'live_migration' ? { autoConfirmS: o.autoConfirmS ? o.autoConfirmS : null } : {}),
      updatedAt: utcIso(m.updated_at),
      createdAt: utcIso(m.created_at),
    },
    startedAt: utcIso(m.created_at),
  };
}

const MIGRATION_FIELDS = [
  { key: 'sourceHost', label: 'Source host', unit: 'text', summary: true },
  { key: 'destinationHost', label: 'Destination host', unit: 'text', summary: true, help: 'empty until the scheduler has chosen one' },
  { key: 'taskState', label: 'Instance task', unit: 'text', help: "the instance's task_state in Nova now (none when idle)" },
  { key: 'migrationId', label: 'Migration', unit: 'id' },
  { key: 'migrationUuid', label: 'Migration UUID', unit: 'id' },
  { key: 'updatedAt', label: 'Nova updated it', unit: 'text' },
  { key: 'createdAt', label: 'Nova created it', unit: 'text' },
  { key: 'failure', label: 'Why it failed', unit: 'text', summary: true, help: "the failed event of Nova's instance action" },
] as const;

export const attachmentNativeId = (id: string) => `attachment:${id}`;
export const swapNativeId = (instance: string, oldVolume: string) => `swap:${instance}:${oldVolume}`;
/** an instance's task, named by the instance action it is (its request id): a later task of the same instance is another operation */
export const taskNativeId = (instance: string, action: string) => `task:${instance}:${action}`;

const volumeName = (v: CinderVolume | undefined, id: string) => v?.name || id;

/**
 * One Cinder attachment → snapshot. Cinder has no "detaching" attachment: a
 * detach shows as its volume's status, so an attached attachment of a
 * volume that is detaching is in phase `detaching`. `detached` and
 * `replaced` are phaseboard's words for an attachment that vanished (a
 * detach; a live migration's hand-over to the destination's attachment).
 */
export function attachmentSnapshot(
  a: CinderAttachment,
  o: { volume?: CinderVolume; instance?: InstanceView | null; phase?: string; replacedBy?: string | null },
): OperationSnapshot {
  // an attached attachment of an available volume is a detach Cinder is finishing (the two were read a moment apart)
  const detaching = a.status === 'attached' && (o.volume?.status === 'detaching' || o.volume?.status === 'available');
  const phase = o.phase ?? (detaching ? 'detaching' : a.status);
  return {
    nativeId: attachmentNativeId(a.id),
    kind: 'volume_attachment',
    subject: { type: 'volume', id: a.volume_id, name: volumeName(o.volume, a.volume_id) },
    nativePhase: phase,
    state: ATTACHMENT_STATES[phase] ?? (phase === 'replaced' ? 'succeeded' : 'unknown'),
    progress: null,
    related: a.instance ? [{ role: 'instance', type: 'instance', id: a.instance, name: o.instance?.name ?? null }] : [],
    details: {
      attachmentId: a.id,
      instance: o.instance?.name ?? a.instance ?? null,
      instanceId: a.instance ?? null,
      volumeStatus: o.volume?.status ?? null,
      attachMode: a.attach_mode && a.attach_mode !== 'null' ? a.attach_mode : null,
      attachedAt: utcIso(a.attached_at),
      volumeUpdatedAt: utcIso(o.volume?.updated_at),
      ...(o.replacedBy !== undefined ? { replacedBy: o.replacedBy } : {}),
    },
    startedAt: null,
  };
}

/**
 * A volume swap as one operation (seed 002): Cinder holds two attachments
 * until it succeeds (the old one is deleted) or fails (the new one is).
 */
export function swapSnapshot(o: {
  instanceId: string;
  instance: InstanceView | null;
  old: CinderAttachment;
  oldVolume?: CinderVolume;
  fresh: CinderAttachment;
  newVolume?: CinderVolume;
}): OperationSnapshot {
  const phase = o.fresh.status === 'attached' ? 'swapping' : o.fresh.status;
  return {
    nativeId: swapNativeId(o.instanceId, o.old.volume_id),
    kind: 'volume_swap',
    subject: { type: 'instance', id: o.instanceId, name: o.instance?.name ?? o.instanceId },
    nativePhase: phase,
    state: phase === 'reserved' ? 'pending' : 'running',
    progress: null,
    related: [
      { role: 'old attachment', type: 'attachment', id: o.old.id, name: volumeName(o.oldVolume, o.old.volume_id) },
      { role: 'new attachment', type: 'attachment', id: o.fresh.id, name: volumeName(o.newVolume, o.fresh.volume_id) },
    ],
    details: {
      oldVolume: volumeName(o.oldVolume, o.old.volume_id),
      oldVolumeId: o.old.volume_id,
      oldAttachmentId: o.old.id,
      newVolume: volumeName(o.newVolume, o.fresh.volume_id),
      newVolumeId: o.fresh.volume_id,
      newAttachmentId: o.fresh.id,
      newAttachmentStatus: o.fresh.status,
    },
    startedAt: null,
  };
}

/** An instance busy with a task that no migration explains (deleting, rebuilding …) → snapshot. */
export function taskSnapshot(s: NovaServer, o: { nativeId: string; migrationsVisible: boolean }): OperationSnapshot {
  const v = instanceView(s);
  return {
    nativeId: o.nativeId,
    kind: 'instance_task',
    subject: { type: 'instance', id: s.id, name: s.name },
    nativePhase: v.taskState ?? 'none',
    state: 'running',
    progress: null,
    related: v.host ? [{ role: 'host', type: 'host', id: v.host, name: v.host }] : [],
    details: {
      taskState: v.taskState,
      vmState: v.vmState,
      status: s.status,
      host: v.host,
      updatedAt: utcIso(s.updated),
      migrationsVisible: o.migrationsVisible,
    },
    startedAt: null,
  };
}

const AUTO_CONFIRM = {
  key: 'autoConfirmS',
  label: 'Auto-confirm after',
  unit: 's',
  help: "the cloud's resize_confirm_window as configured for this connection; empty: off, Nova waits for a person",
} as const;

/** What Nova's migrations and Cinder's attachments report, labelled. */
export const OPENSTACK_DETAILS: DetailSpecs = {
  live_migration: [
    ...MIGRATION_FIELDS,
    { key: 'memoryRemaining', label: 'Memory remaining', unit: 'bytes', summary: true },
    { key: 'memoryTotal', label: 'Memory', unit: 'bytes' },
    { key: 'diskRemaining', label: 'Disk remaining', unit: 'bytes', help: 'block migrations only' },
    { key: 'diskTotal', label: 'Disk', unit: 'bytes' },
  ],
  cold_migration: [...MIGRATION_FIELDS, AUTO_CONFIRM],
  resize: [...MIGRATION_FIELDS, AUTO_CONFIRM, { key: 'oldFlavorId', label: 'Old flavor', unit: 'id' }, { key: 'newFlavorId', label: 'New flavor', unit: 'id' }],
  volume_attachment: [
    { key: 'instance', label: 'Instance', unit: 'text', summary: true },
    {
      key: 'volumeStatus',
      label: 'Volume status',
      unit: 'text',
      summary: true,
      help: "Cinder's status of the volume (reserved, attaching, in-use, detaching, available)",
    },
    { key: 'attachmentId', label: 'Attachment', unit: 'id' },
    { key: 'instanceId', label: 'Instance UUID', unit: 'id' },
    { key: 'attachMode', label: 'Mode', unit: 'text' },
    { key: 'attachedAt', label: 'Attached at', unit: 'text' },
    { key: 'volumeUpdatedAt', label: 'Volume changed', unit: 'text', help: "when Cinder last changed the volume's status" },
    { key: 'replacedBy', label: 'Replaced by', unit: 'id', help: "the destination's attachment that took over at the end of a live migration" },
  ],
  volume_swap: [
    { key: 'oldVolume', label: 'From volume', unit: 'text', summary: true },
    { key: 'newVolume', label: 'To volume', unit: 'text', summary: true },
    { key: 'newAttachmentStatus', label: 'New attachment', unit: 'text' },
    { key: 'oldVolumeId', label: 'From volume UUID', unit: 'id' },
    { key: 'oldAttachmentId', label: 'Old attachment', unit: 'id' },
    { key: 'newVolumeId', label: 'To volume UUID', unit: 'id' },
    { key: 'newAttachmentId', label: 'New attachment id', unit: 'id' },
  ],
  instance_task: [
    { key: 'taskState', label: 'Task', unit: 'text', summary: true },
    { key: 'status', label: 'Status', unit: 'text', summary: true },
    { key: 'vmState', label: 'VM state', unit: 'text' },
    { key: 'host', label: 'Host', unit: 'text' },
    { key: 'updatedAt', label: 'Nova updated it', unit: 'text' },
    { key: 'migrationsVisible', label: 'Migrations visible', unit: 'flag', help: 'whether these credentials can see migration records (admin role)' },
  ],
};
