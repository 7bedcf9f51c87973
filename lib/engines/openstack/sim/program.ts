import 'server-only';
import type { SimMigration, SimServer } from './model';
import type { CloudState } from './state';

/**
 * A flow is data: timed steps that write the cloud's records at the instant
 * they happen. It advances lazily, like the oVirt simulator's transfers:
 * every read first plays the steps whose time has come, stamping each write
 * with its own time (not the time of the read). Durations are at speed 1.
 */
export type Step = { wait: number } | { at: (t: number) => void } | { hold: true };

export class Program {
  private pc = 0;
  private anchor: number;

  constructor(
    private steps: Step[],
    readonly speed: number,
    now: number,
  ) {
    this.anchor = now;
    this.advance(now);
  }

  advance(now: number): void {
    for (let guard = 0; guard < 1000; guard++) {
      const s = this.steps[this.pc];
      if (!s || 'hold' in s) return;
      if ('wait' in s) {
        const due = this.anchor + s.wait / this.speed;
        if (due > now) return;
        this.anchor = due;
      } else s.at(this.anchor);
      this.pc += 1;
    }
  }

  /** What is left is replaced (an action arrived): these steps play from now. */
  then(steps: Step[], now: number): void {
    this.advance(now);
    this.steps = steps;
    this.pc = 0;
    this.anchor = now;
    this.advance(now);
  }

  /** Plays the next `ms` at once; false when it holds for an action or has ended (nothing to skip). */
  skip(ms: number, now: number, before?: () => void): boolean {
    this.advance(now);
    const s = this.steps[this.pc];
    if (!s || !('wait' in s)) return false;
    before?.();
    this.anchor -= ms;
    this.advance(now);
    return true;
  }

  get finished(): boolean {
    return this.pc >= this.steps.length;
  }
}

/** An operation of the cloud, named as the adapter names it (nativeId), with the actions it accepts while it runs. */
export interface Op {
  nativeId: string;
  instanceId: string;
  /** null: a state that stays as it is until someone acts (a reservation, a stuck task) */
  program: Program | null;
  migration?: SimMigration;
  /** whoever started it: the mix confirms only its own */
  owner: 'mix' | 'scenario' | 'api';
  forceComplete?(now: number, userId: string): void;
  abort?(now: number, userId: string): void;
  confirm?(now: number, userId: string): void;
  revert?(now: number, userId: string): void;
  /** moves the flow's own clocks (a memory run) back with a skip */
  onSkip?(ms: number): void;
}

/** The instance is the operation's until it ends (a scenario picks another). */
export const begin = (st: CloudState, s: SimServer, op: Op) => st.busy.set(s.id, op.nativeId);
export const release = (st: CloudState, op: Op) => {
  if (st.busy.get(op.instanceId) === op.nativeId) st.busy.delete(op.instanceId);
};
