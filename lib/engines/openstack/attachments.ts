import 'server-only';
import type { Related } from '@/lib/model/details';
import type { Operation } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import { attachmentNativeId, attachmentSnapshot, swapNativeId, swapSnapshot, type InstanceView } from './normalize';
import type { CinderAttachment, CinderVolume } from './parse';

/** Attachment statuses on the way to attached (or out of it): an operation in flight. */
const IN_FLIGHT = new Set(['reserved', 'attaching', 'detaching', 'error_attaching', 'error_detaching']);

export interface VolumeView {
  attachments: readonly CinderAttachment[];
  volumes: readonly CinderVolume[];
  instances: ReadonlyMap<string, InstanceView>;
  /** instances with a live migration in progress: their second set of attachments belongs to it */
  migrating: ReadonlySet<string>;
  /** operations phaseboard follows, by native id */
  known: ReadonlyMap<string, Operation>;
}

/**
 * Cinder's attachments as operations: attaches and detaches in flight, the
 * ones phaseboard already follows, and swaps. What is not an operation of
 * its own goes to the migration it belongs to (`byMigratingInstance`).
 *
 * - A live migration gives each volume a second attachment for the
 *   destination and deletes the first at the end: both are shown on the
 *   migration, and the one that vanishes is `replaced`, not failed.
 * - A swap (seed 002) holds two attachments on one instance: the old
 *   volume detaching, the new one reserved, attaching or attached. It is one
 *   operation until one of them is deleted.
 * - An attachment that vanished after being attached was detached (Cinder
 *   keeps no "detached" state); reported once, then let go.
 */
export function volumeOperations(v: VolumeView): { snapshots: OperationSnapshot[]; byMigratingInstance: Map<string, Related[]> } {
  const volumes = new Map(v.volumes.map((x) => [x.id, x]));
  const snapshots: OperationSnapshot[] = [];
  const byMigratingInstance = new Map<string, Related[]>();
  const taken = new Set<string>();
  const byInstance = new Map<string, CinderAttachment[]>();
  for (const a of v.attachments) if (a.instance) byInstance.set(a.instance, [...(byInstance.get(a.instance) ?? []), a]);

  for (const [instance, list] of byInstance) {
    const view = v.instances.get(instance) ?? null;
    if (v.migrating.has(instance)) {
      // the destination's set: for each volume, the newer of its two attachments (a reserved one is being made now)
      const age = (a: CinderAttachment) => (a.status === 'reserved' ? '~' : (a.attached_at ?? ''));
      byMigratingInstance.set(
        instance,
        list.map((a): Related => {
          const same = list.filter((b) => b.volume_id === a.volume_id);
          const newest = same.length > 1 && same.every((b) => b === a || age(b) < age(a));
          return { role: newest ? 'destination attachment' : 'attachment', type: 'attachment', id: a.id, name: volumes.get(a.volume_id)?.name || a.volume_id };
        }),
      );
      for (const a of list) if (!v.known.has(attachmentNativeId(a.id))) taken.add(a.id);
      continue;
    }
    const olds = list.filter((a) => a.status === 'attached' && volumes.get(a.volume_id)?.status === 'detaching');
    const fresh = list.filter((a) => a.status === 'reserved' || a.status === 'attaching' || (a.status === 'attached' && a.volume_id !== olds[0]?.volume_id));
    for (const old of olds) {
      // the newest attachment on another volume that is not settled in-use is the swap's other half
      const other = fresh.filter((a) => a.volume_id !== old.volume_id && (a.status !== 'attached' || volumes.get(a.volume_id)?.status !== 'in-use')).at(-1);
      if (!other) continue;
      snapshots.push(
        swapSnapshot({
          instanceId: instance,
          instance: view,
          old,
          oldVolume: volumes.get(old.volume_id),
          fresh: other,
          newVolume: volumes.get(other.volume_id),
        }),
      );
      taken.add(old.id).add(other.id);
    }
  }

  const present = new Set(v.attachments.map((a) => a.id));
  for (const a of v.attachments) {
    const id = attachmentNativeId(a.id);
    // part of a swap or a migration; one phaseboard already follows stays its own operation too
    if (taken.has(a.id) && !v.known.has(id)) continue;
    const volume = volumes.get(a.volume_id);
    const snap = attachmentSnapshot(a, { volume, instance: a.instance ? (v.instances.get(a.instance) ?? null) : null });
    if (IN_FLIGHT.has(snap.nativePhase) || v.known.has(id)) snapshots.push(snap);
  }

  // vanished attachments phaseboard followed: a detach, or a hand-over to the destination's attachment
  for (const op of v.known.values()) {
    if (op.kind !== 'volume_attachment' || op.gone) continue;
    const attachmentId = op.nativeId.slice('attachment:'.length);
    if (present.has(attachmentId) || !['attached', 'detaching'].includes(op.nativePhase)) continue;
    const instance = String(op.details.instanceId ?? '');
    const heir = v.attachments.find((a) => a.volume_id === op.subject.id && a.instance === instance && a.status === 'attached');
    const gone: CinderAttachment = {
      id: attachmentId,
      status: 'attached',
      instance,
      volume_id: op.subject.id,
      attached_at: null,
      detached_at: null,
      attach_mode: null,
    };
    snapshots.push(
      attachmentSnapshot(gone, {
        volume: volumes.get(op.subject.id),
        instance: v.instances.get(instance) ?? null,
        phase: heir ? 'replaced' : 'detached',
        replacedBy: heir?.id ?? null,
      }),
    );
  }
  // A swap phaseboard follows whose shape is gone while both attachments are still there (Nova completes the new one
  // before it deletes the old, or rolls the old back before it deletes the new) is finishing: one of them goes next.
  const listed = new Set(snapshots.map((x) => x.nativeId));
  for (const op of v.known.values()) {
    if (op.kind !== 'volume_swap' || op.gone || listed.has(op.nativeId)) continue;
    const old = v.attachments.find((a) => a.id === op.details.oldAttachmentId);
    const fresh = v.attachments.find((a) => a.id === op.details.newAttachmentId);
    if (!old || !fresh || !old.instance) continue;
    const s = swapSnapshot({
      instanceId: old.instance,
      instance: v.instances.get(old.instance) ?? null,
      old,
      oldVolume: volumes.get(old.volume_id),
      fresh,
      newVolume: volumes.get(fresh.volume_id),
    });
    snapshots.push({ ...s, nativeId: op.nativeId, nativePhase: 'finishing', state: 'finalizing' });
  }
  return { snapshots: dedupe(snapshots), byMigratingInstance };
}

function dedupe(snapshots: OperationSnapshot[]): OperationSnapshot[] {
  const seen = new Set<string>();
  return snapshots.filter((s) => (seen.has(s.nativeId) ? false : (seen.add(s.nativeId), true)));
}

export { swapNativeId };
