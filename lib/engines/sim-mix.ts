import 'server-only';

/** What every simulator's background mix is told: how much to keep in flight, how fast, and (tests) its dice. */
export interface MixOptions {
  /** how many operations to keep in flight */
  active: number;
  speed: number;
  /** ms between checks (at speed 1) */
  everyMs?: number;
  random?: () => number;
}

/** A scenario id drawn by weight: the mix of a board that always has something happening. */
export function weightedPicker(weights: readonly (readonly [string, number])[], random: () => number = Math.random): () => string {
  const total = weights.reduce((n, [, w]) => n + w, 0);
  return () => {
    let r = random() * total;
    for (const [id, w] of weights) if ((r -= w) < 0) return id;
    return weights[0]![0];
  };
}

/** Runs `tick` now and then every `everyMs` of simulated time; answers a stop function. The timer never keeps the process alive. */
export function everyTick(tick: () => void, everyMs: number, speed: number): () => void {
  tick();
  const timer = setInterval(tick, everyMs / speed);
  timer.unref();
  return () => clearInterval(timer);
}
