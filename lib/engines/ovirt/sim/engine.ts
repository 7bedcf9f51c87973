import 'server-only';
import { randomUUID } from 'node:crypto';
import type { DiskStatus, TransferPhase } from '../constants';
import { simDiskName } from '../../sim-names';
import { SCENARIOS, findScenario } from './scenarios';
import { SimTransfer, type SimAction, type SimWorld } from './transfer-machine';

export interface SimDisk {
  id: string;
  name: string;
  status: DiskStatus;
  provisionedSize: number;
}

export interface StartScenarioOptions {
  speed?: number;
  finalizeBy?: 'client' | 'operator';
  /** upload to this existing disk instead of a new one (a retry) */
  diskId?: string;
}

/** One entry of the engine's audit log, as GET /api/events lists it. */
export interface SimEvent {
  id: number;
  code: number;
  severity: 'normal' | 'warning' | 'error' | 'alert';
  description: string;
  /** epoch ms */
  time: number;
}

/** The user the simulated clients and phaseboard act as, as oVirt names it in events. */
export const SIM_USER = 'admin@internal-authz';

/** Audit-log entries kept (a real engine keeps weeks; a cursor older than this still sees the newest). */
const MAX_EVENTS = 10_000;

/** Finished transfers an engine of 4.4.7+ keeps before cleaning them up (at speed 1). */
const KEEP_FINISHED_MS = 60_000;
const MAX_DISKS = 2_000;

/**
 * The simulated oVirt engine's state: transfers and disks. The HTTP server
 * renders it; scenarios and the continuous mix drive it.
 */
export class SimOvirtEngine implements SimWorld {
  readonly transfers = new Map<string, SimTransfer>();
  readonly disks = new Map<string, SimDisk>();
  /** the audit log, oldest first */
  readonly events: SimEvent[] = [];
  private seq = 0;
  private lastEventId = 0;
  /** how many of each transfer's phases the audit log has seen */
  private readonly logged = new Map<string, number>();

  constructor(readonly now: () => number = Date.now) {}

  startScenario(scenarioId: string, options: StartScenarioOptions = {}): SimTransfer {
    const base = findScenario(scenarioId);
    if (!base) throw new Error(`unknown scenario ${scenarioId}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
    const scenario = options.finalizeBy ? { ...base, finalizeBy: options.finalizeBy } : base;
    const speed = options.speed ?? 1;
    this.seq += 1;
    const existing = options.diskId ? this.disks.get(options.diskId) : undefined;
    const disk: SimDisk = existing ?? { id: randomUUID(), name: simDiskName(this.seq), status: 'locked', provisionedSize: scenario.sizeBytes };
    disk.status = 'locked';
    this.disks.set(disk.id, disk);
    const t = new SimTransfer(randomUUID(), disk.id, scenario, speed, this.now(), this);
    this.transfers.set(t.id, t);
    this.evictOldDisks();
    return t;
  }

  /** Advances and returns the live transfers (those the engine still lists). */
  listTransfers(): SimTransfer[] {
    this.advanceAll();
    return [...this.transfers.values()];
  }

  /**
   * The audit log as GET /api/events answers: newest first, at most `max`,
   * and with `from` only the events after that id (the engine's query is
   * audit_log_id > from; it ignores a `from` of 0 or less).
   */
  listEvents(from: number | null, max: number | null): SimEvent[] {
    this.advanceAll();
    const after = from !== null && from > 0 ? this.events.filter((e) => e.id > from) : this.events;
    const newestFirst = [...after].reverse();
    return max === null ? newestFirst : newestFirst.slice(0, max);
  }

  /** Writes an audit-log entry now (a login, say); transfers log theirs as their phases change. */
  audit(code: number, severity: SimEvent['severity'], description: string): void {
    this.append([{ code, severity, description, time: this.now() }]);
  }

  getTransfer(id: string): SimTransfer | undefined {
    const t = this.transfers.get(id);
    t?.advance(this.now());
    return this.transfers.get(id);
  }

  act(id: string, action: SimAction): string | null | undefined {
    const t = this.transfers.get(id);
    return t ? t.act(action, this.now()) : undefined;
  }

  /** Plays the next `ms` of one transfer at once; false when there is no such transfer or it waits for an action. */
  skip(id: string, ms: number): boolean {
    const moved = this.transfers.get(id)?.skip(ms, this.now()) ?? false;
    this.startFollowUps();
    return moved;
  }

  /** oVirt cancels transfers paused too long; the mix uses this to keep moving. */
  systemCancel(id: string): boolean {
    return this.transfers.get(id)?.cancelBySystem(this.now()) ?? false;
  }

  setDiskStatus(diskId: string, status: DiskStatus): void {
    const d = this.disks.get(diskId);
    if (d) d.status = status;
  }

  removeTransfer(id: string): void {
    const t = this.transfers.get(id);
    // what it did before the engine dropped it is in the audit log all the same
    if (t) this.append(this.newEvents(t));
    this.logged.delete(id);
    this.transfers.delete(id);
  }

  removeDisk(diskId: string): void {
    this.disks.delete(diskId);
  }

  /** Transfers whose scenario says the client tries again once they finish. */
  private readonly followedUp = new Set<string>();
  private startFollowUps(): void {
    for (const t of [...this.transfers.values()]) {
      if (!t.scenario.then || !t.phase.startsWith('finished_') || this.followedUp.has(t.id)) continue;
      this.followedUp.add(t.id);
      this.startScenario(t.scenario.then, { speed: t.speed, diskId: t.diskId, finalizeBy: 'client' });
    }
  }

  /** Time passes for every transfer: phases, follow-up transfers, audit log, cleanup. */
  private advanceAll(): void {
    const now = this.now();
    for (const t of [...this.transfers.values()]) t.advance(now);
    this.startFollowUps();
    this.append([...this.transfers.values()].flatMap((t) => this.newEvents(t)));
    this.cleanupFinished(now);
  }

  private cleanupFinished(now: number): void {
    for (const t of this.transfers.values()) {
      const last = t.history.at(-1);
      if (last && last.phase.startsWith('finished_') && now - last.at > KEEP_FINISHED_MS / t.speed) {
        this.transfers.delete(t.id);
        this.followedUp.delete(t.id);
        this.logged.delete(t.id);
      }
    }
  }

  /** The audit-log entries of the phases a transfer entered since the last look, as oVirt writes them. */
  private newEvents(t: SimTransfer): Omit<SimEvent, 'id'>[] {
    const from = this.logged.get(t.id) ?? 0;
    this.logged.set(t.id, t.history.length);
    return t.history.slice(from).flatMap((h, i) => {
      const e = transferEvent(t, from + i, h.phase, this.disks.get(t.diskId)?.name ?? t.diskId);
      return e ? [{ ...e, time: h.at }] : [];
    });
  }

  /** Ids increase in the order entries are written, as the audit_log_id sequence does. */
  private append(entries: Omit<SimEvent, 'id'>[]): void {
    for (const e of [...entries].sort((a, b) => a.time - b.time)) this.events.push({ ...e, id: ++this.lastEventId });
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  private evictOldDisks(): void {
    if (this.disks.size <= MAX_DISKS) return;
    const live = new Set([...this.transfers.values()].map((t) => t.diskId));
    for (const id of this.disks.keys()) {
      if (this.disks.size <= MAX_DISKS) break;
      if (!live.has(id)) this.disks.delete(id);
    }
  }
}

/**
 * What oVirt logs when a transfer enters a phase (TransferDiskImageCommand,
 * messages from AuditLogMessages.properties): its start, pauses and resumes,
 * and one entry at its end whose kind the first ending phase decides (a
 * cancel that then cleans up is "cancelled"). Other phases log nothing.
 */
function transferEvent(t: SimTransfer, index: number, phase: TransferPhase, disk: string): Omit<SimEvent, 'id' | 'time'> | null {
  const kind = t.scenario.direction === 'upload' ? 'Upload' : 'Download';
  if (index === 0) return { code: 1031, severity: 'normal', description: `Image ${kind} with disk ${disk} was initiated by ${SIM_USER}.` };
  if (phase === 'paused_user') return { code: 1073, severity: 'normal', description: `Image transfer was paused by user (${SIM_USER}).` };
  if (phase === 'resuming') return { code: 1074, severity: 'normal', description: `Image transfer was resumed by user (${SIM_USER}).` };
  if (phase === 'paused_system') {
    return t.scenario.direction === 'upload'
      ? { code: 1071, severity: 'error', description: 'Upload was paused by system. Reason: timeout due to transfer inactivity.' }
      : {
          code: 1077,
          severity: 'warning',
          description: 'The transfer was paused by the system according to the timeout policy. Reason: client inactivity timeout.',
        };
  }
  if (!phase.startsWith('finished_')) return null;
  const ending = t.history.find((h) => h.phase.startsWith('cancelled') || h.phase.startsWith('finished_'))?.phase ?? phase;
  if (ending === 'finished_success') return { code: 1032, severity: 'normal', description: `Image ${kind} with disk ${disk} succeeded.` };
  if (ending === 'finished_failure') return { code: 1034, severity: 'error', description: `Image ${kind} with disk ${disk} failed.` };
  return { code: 1033, severity: 'normal', description: `Image ${kind} with disk ${disk} was cancelled.` };
}
