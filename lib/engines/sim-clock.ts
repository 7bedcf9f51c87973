import 'server-only';

/**
 * The embedded simulators' time: the wall clock plus whatever was skipped.
 * A presenter skips the dull minutes of a demo (a transfer left idle until
 * oVirt pauses it); a test skips what would otherwise be waited for. Only
 * the simulated engines move: phaseboard's own clock is never touched.
 */
export class SimClock {
  private skipped = 0;

  readonly now = (): number => Date.now() + this.skipped;

  /** Moves the simulated engines `ms` ahead; answers their time now. */
  skip(ms: number): number {
    this.skipped += Math.max(0, ms);
    return this.now();
  }

  get skippedMs(): number {
    return this.skipped;
  }
}
