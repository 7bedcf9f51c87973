import 'server-only';
import { randomUUID } from 'node:crypto';
import {
  HOSTS,
  hex32,
  memoryAt,
  requestId,
  type MigrationType,
  type SimActionEvent,
  type SimAttachment,
  type SimInstanceAction,
  type SimMigration,
  type SimServer,
  type SimService,
  type SimVolume,
  type VolumeStatus,
} from './model';

/** Ended migrations kept (Nova keeps them for ever; the simulator forgets the oldest beyond this). */
const MAX_ENDED_MIGRATIONS = 2_000;
const MAX_ACTIONS_PER_SERVER = 60;
export const IN_PROGRESS_EXCLUDED = new Set(['confirmed', 'reverted', 'error', 'failed', 'completed', 'cancelled', 'done']);

/**
 * The cloud's tables and the writes every flow makes (instance actions and
 * their events, migration and volume status changes), each stamped with the
 * time the flow says it happened, which may be before now when time is read
 * lazily.
 */
export class CloudState {
  readonly servers = new Map<string, SimServer>();
  readonly services: SimService[] = [];
  readonly migrations = new Map<number, SimMigration>();
  readonly volumes = new Map<string, SimVolume>();
  readonly attachments = new Map<string, SimAttachment>();
  /** instance actions per instance, oldest first */
  readonly actions = new Map<string, SimInstanceAction[]>();
  /** instances an operation is working on (their nativeId); a scenario picks others */
  readonly busy = new Map<string, string>();
  readonly projectId = hex32();
  readonly userId = hex32();
  private nextMigrationId = 1;

  constructor(readonly now: () => number) {
    const at = now();
    HOSTS.forEach((h, i) => {
      this.services.push({ uuid: randomUUID(), intId: 10 + i, binary: 'nova-compute', host: h.host, status: 'enabled', disabledReason: null, reportedAt: at });
    });
    this.services.push(
      { uuid: randomUUID(), intId: 1, binary: 'nova-scheduler', host: 'controller', status: 'enabled', disabledReason: null, reportedAt: at },
      { uuid: randomUUID(), intId: 2, binary: 'nova-conductor', host: 'controller', status: 'enabled', disabledReason: null, reportedAt: at },
    );
  }

  touch(s: SimServer, at: number): void {
    s.updatedAt = Math.max(s.updatedAt, at);
  }

  startAction(instanceUuid: string, action: string, at: number, userId = this.userId): SimInstanceAction {
    const a: SimInstanceAction = { requestId: requestId(), instanceUuid, action, userId, startTime: at, message: null, updatedAt: null, events: [] };
    const list = this.actions.get(instanceUuid) ?? [];
    list.push(a);
    if (list.length > MAX_ACTIONS_PER_SERVER) list.splice(0, list.length - MAX_ACTIONS_PER_SERVER);
    this.actions.set(instanceUuid, list);
    return a;
  }

  /** An event starts; Nova moves the action's updated_at with each event. */
  startEvent(a: SimInstanceAction, event: string, host: string, at: number): SimActionEvent {
    const ev: SimActionEvent = { event, host, startTime: at, finishTime: null, result: null, traceback: null, details: null };
    a.events.push(ev);
    a.updatedAt = at;
    return ev;
  }

  finishEvent(a: SimInstanceAction, ev: SimActionEvent, at: number, error?: { details: string; traceback: string }): void {
    ev.finishTime = at;
    ev.result = error ? 'Error' : 'Success';
    if (error) {
      ev.details = error.details;
      ev.traceback = error.traceback;
      a.message = 'Error';
    }
    a.updatedAt = at;
  }

  /** An event that starts and ends at once (the checks before a live migration). */
  quickEvent(a: SimInstanceAction, event: string, host: string, at: number): void {
    this.finishEvent(a, this.startEvent(a, event, host, at), at);
  }

  newMigration(s: SimServer, type: MigrationType, status: string, newFlavorId: number, at: number, userId = this.userId): SimMigration {
    const m: SimMigration = {
      id: this.nextMigrationId++,
      uuid: randomUUID(),
      instanceUuid: s.id,
      type,
      status,
      sourceCompute: s.host,
      destCompute: null,
      sourceNode: type === 'live-migration' ? null : s.host,
      destNode: null,
      destHost: null,
      oldFlavorId: s.flavorId,
      newFlavorId,
      createdAt: at,
      updatedAt: null,
      userId,
      projectId: this.projectId,
      memory: null,
      run: null,
    };
    this.migrations.set(m.id, m);
    this.forgetOldMigrations();
    return m;
  }

  setMigration(m: SimMigration, status: string, at: number): void {
    m.status = status;
    m.updatedAt = Math.max(m.updatedAt ?? 0, at);
  }

  /** Takes the memory samples of a running live migration up to `t` (libvirt reports every few seconds; Nova saves each). */
  sampleMemory(m: SimMigration, t: number): void {
    const r = m.run;
    if (!r || r.endedAt !== undefined || t < r.startedAt) return;
    const k = Math.floor((t - r.startedAt) / r.periodMs);
    if (k <= r.k) return;
    r.k = k;
    const at = r.startedAt + k * r.periodMs;
    m.memory = { total: r.total, ...memoryAt(r, at) };
    m.updatedAt = Math.max(m.updatedAt ?? 0, at);
  }

  endRun(m: SimMigration, at: number): void {
    if (!m.run || m.run.endedAt !== undefined) return;
    this.sampleMemory(m, at);
    m.run.endedAt = at;
  }

  newVolume(name: string, size: number, at: number): SimVolume {
    const v: SimVolume = { id: randomUUID(), name, size, status: 'available', createdAt: at, updatedAt: at };
    this.volumes.set(v.id, v);
    return v;
  }

  setVolume(v: SimVolume, status: VolumeStatus, at: number): void {
    v.status = status;
    v.updatedAt = Math.max(v.updatedAt, at);
  }

  newAttachment(v: SimVolume, instance: string | null, at: number, props: Partial<SimAttachment> = {}): SimAttachment {
    const a: SimAttachment = {
      id: randomUUID(),
      volumeId: v.id,
      instance,
      status: 'reserved',
      attachMode: 'null',
      connection: 'empty',
      attachedAt: null,
      host: null,
      device: null,
      createdAt: at,
      ...props,
    };
    this.attachments.set(a.id, a);
    return a;
  }

  /** The attachment connects: attached rw, with its connection, on the server's host. */
  connect(a: SimAttachment, s: SimServer, at: number, mode: 'rw' | 'null' = 'rw'): void {
    Object.assign(a, { status: 'attached', attachMode: mode, connection: 'full', attachedAt: at, host: s.host, device: a.device ?? nextDevice(this, s) });
  }

  attachmentsOf(volumeId: string): SimAttachment[] {
    return [...this.attachments.values()].filter((a) => a.volumeId === volumeId);
  }

  /** The instance's attachment of a volume that is connected (the one Nova's block device mapping names). */
  attachedOn(instance: string): SimAttachment[] {
    return [...this.attachments.values()].filter((a) => a.instance === instance && a.status === 'attached');
  }

  private forgetOldMigrations(): void {
    if (this.migrations.size <= MAX_ENDED_MIGRATIONS) return;
    for (const [id, m] of this.migrations) {
      if (this.migrations.size <= MAX_ENDED_MIGRATIONS) break;
      if (IN_PROGRESS_EXCLUDED.has(m.status) && !this.busy.has(m.instanceUuid)) this.migrations.delete(id);
    }
  }

  /** Keeps the volume table bounded: the oldest unused volumes are deleted, as a tidy tenant would. */
  forgetSpareVolumes(max: number): void {
    if (this.volumes.size < max) return;
    for (const v of this.volumes.values()) {
      if (this.volumes.size < max) break;
      if (v.status === 'available' && this.attachmentsOf(v.id).length === 0) this.volumes.delete(v.id);
    }
  }
}

/** The next free virtio device name on an instance (/dev/vda is its root disk). */
function nextDevice(st: CloudState, s: SimServer): string {
  const used = new Set([...st.attachments.values()].filter((a) => a.instance === s.id && a.device).map((a) => a.device));
  for (const c of 'bcdefghijklmnop') if (!used.has(`/dev/vd${c}`)) return `/dev/vd${c}`;
  return '/dev/vdz';
}
