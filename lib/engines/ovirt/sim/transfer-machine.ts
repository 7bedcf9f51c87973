import 'server-only';
import type { DiskStatus, TransferPhase } from '../constants';
import { CANCEL_STEPS, SYSTEM_CANCEL_STEPS, finalizeSteps, scenarioProgram, type Scenario, type Step } from './scenarios';

export type SimAction = 'finalize' | 'cancel' | 'pause' | 'resume';

/** What a transfer may change outside itself. */
export interface SimWorld {
  setDiskStatus(diskId: string, status: DiskStatus): void;
  removeTransfer(id: string): void;
  removeDisk(diskId: string): void;
}

const CANCELLABLE: ReadonlySet<TransferPhase> = new Set(['initializing', 'transferring', 'resuming', 'paused_user', 'paused_system']);
const MAX_STEPS_PER_ADVANCE = 64;

/**
 * One simulated image transfer. It advances lazily: every read first calls
 * advance(now), which plays the steps whose time has come, so a thousand idle
 * transfers cost nothing between requests.
 */
export class SimTransfer {
  phase: TransferPhase = 'initializing';
  transferred = 0;
  /** every phase with the instant it began (for latency figures) */
  readonly history: { phase: TransferPhase; at: number }[] = [];
  private program: Step[];
  private pc = 0;
  private stepStartedAt: number;
  private stepFromBytes = 0;
  /** what continues after a pause */
  private continuation: Step[] = [];

  constructor(
    readonly id: string,
    readonly diskId: string,
    readonly scenario: Scenario,
    readonly speed: number,
    readonly createdAt: number,
    private readonly world: SimWorld,
  ) {
    this.program = scenarioProgram(scenario);
    this.stepStartedAt = createdAt;
    this.enter('initializing', createdAt);
  }

  get inactivityTimeoutS(): number {
    return Math.max(1, Math.round(this.scenario.inactivityTimeoutS / this.speed));
  }

  advance(now: number): void {
    for (let i = 0; i < MAX_STEPS_PER_ADVANCE; i++) {
      const step = this.program[this.pc];
      if (!step || 'await' in step) return;
      const doneAt = this.stepDoneAt(step);
      if (doneAt === null) {
        this.progressTo(step, now);
        return;
      }
      if (doneAt > now) {
        this.progressTo(step, now);
        return;
      }
      this.finishStep(step, doneAt);
    }
  }

  /** Plays the next `ms` of this transfer at once (a presenter or a test skipping a wait); false while it waits for an action (nothing to skip). */
  skip(ms: number, now: number): boolean {
    this.advance(now);
    const step = this.program[this.pc];
    if (!step || 'await' in step) return false;
    this.stepStartedAt -= ms;
    this.advance(now);
    return true;
  }

  /** Applies an action as the engine would; returns the refusal text when it would refuse. */
  act(action: SimAction, now: number): string | null {
    this.advance(now);
    const refuse = (what: string) => `[Cannot ${what} image transfer. The transfer is in phase ${this.phase}.]`;
    switch (action) {
      case 'finalize':
        if (this.phase !== 'transferring') return refuse('finalize');
        return this.run(finalizeSteps(this.scenario), now);
      case 'cancel':
        if (!CANCELLABLE.has(this.phase)) return refuse('cancel');
        return this.run(CANCEL_STEPS, now);
      case 'pause':
        if (this.phase !== 'transferring') return refuse('pause');
        this.continuation = this.program.slice(this.pc);
        return this.run([{ phase: 'paused_user' }, { await: 'action' }], now);
      case 'resume':
        if (this.phase !== 'paused_user' && this.phase !== 'paused_system') return refuse('resume');
        return this.run([{ phase: 'resuming' }, { wait: 1000 }, { phase: 'transferring' }, ...this.continuation], now);
    }
  }

  /** Ends a finalize stuck in finalizing_success, as the engine does once its task is cleared. */
  release(now: number): boolean {
    this.advance(now);
    if (this.phase !== 'finalizing_success') return false;
    // The engine needs a moment to complete the finalize once unblocked.
    this.run([{ wait: 3000 }, { disk: 'ok' }, { wait: 1000 }, { phase: 'finished_success' }, { await: 'action' }], now);
    return true;
  }

  /** oVirt's own cancel (timeouts, errors), as opposed to a user's. */
  cancelBySystem(now: number): boolean {
    this.advance(now);
    if (!CANCELLABLE.has(this.phase)) return false;
    this.run(SYSTEM_CANCEL_STEPS, now);
    return true;
  }

  private run(steps: Step[], now: number): null {
    this.program = steps;
    this.pc = 0;
    this.stepStartedAt = now;
    this.stepFromBytes = this.transferred;
    this.advance(now);
    return null;
  }

  /** When the current timed step ends; 0 for instant steps; null for open-ended ones. */
  private stepDoneAt(step: Step): number | null {
    if ('wait' in step) return this.stepStartedAt + step.wait / this.speed;
    if ('send' in step) {
      const target = step.send.to * this.scenario.sizeBytes;
      const bytesPerMs = (this.scenario.sizeBytes / step.send.fullMs) * this.speed;
      return this.stepStartedAt + Math.max(0, target - this.stepFromBytes) / bytesPerMs;
    }
    if ('stall' in step) return this.stepStartedAt + (this.scenario.inactivityTimeoutS * 1000) / this.speed;
    return this.stepStartedAt;
  }

  private progressTo(step: Step, now: number): void {
    if (!('send' in step)) return;
    const bytesPerMs = (this.scenario.sizeBytes / step.send.fullMs) * this.speed;
    const target = step.send.to * this.scenario.sizeBytes;
    this.transferred = Math.min(target, Math.floor(this.stepFromBytes + (now - this.stepStartedAt) * bytesPerMs));
  }

  private finishStep(step: Step, at: number): void {
    this.pc += 1;
    if ('phase' in step) this.enter(step.phase, at);
    else if ('disk' in step) this.world.setDiskStatus(this.diskId, step.disk);
    else if ('send' in step) this.transferred = Math.floor(step.send.to * this.scenario.sizeBytes);
    else if ('remove' in step) {
      if (step.remove === 'transfer') this.world.removeTransfer(this.id);
      else this.world.removeDisk(this.diskId);
    } else if ('stall' in step) {
      // oVirt pauses an idle transfer; what the client would have sent next waits for resume.
      this.continuation = this.program.slice(this.pc);
      this.program = [{ phase: 'paused_system' }, { await: 'action' }];
      this.pc = 0;
    } else if ('client' in step) {
      this.stepStartedAt = at;
      this.act(step.client, at);
      return;
    }
    this.stepStartedAt = at;
    this.stepFromBytes = this.transferred;
  }

  private enter(phase: TransferPhase, at: number): void {
    this.phase = phase;
    this.history.push({ phase, at });
  }
}
