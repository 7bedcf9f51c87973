import 'server-only';
import { randomUUID } from 'node:crypto';
import type { DiskStatus } from '../constants';
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
  private seq = 0;

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
    const now = this.now();
    for (const t of [...this.transfers.values()]) t.advance(now);
    this.startFollowUps();
    this.cleanupFinished(now);
    return [...this.transfers.values()];
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

  private cleanupFinished(now: number): void {
    for (const t of this.transfers.values()) {
      const last = t.history.at(-1);
      if (last && last.phase.startsWith('finished_') && now - last.at > KEEP_FINISHED_MS / t.speed) {
        this.transfers.delete(t.id);
        this.followedUp.delete(t.id);
      }
    }
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
