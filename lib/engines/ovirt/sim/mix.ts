import 'server-only';
import { everyTick, weightedPicker, type MixOptions } from '../../sim-mix';
import type { SimOvirtEngine } from './engine';

/** Weighted scenario picks for a board that always has something happening. */
const WEIGHTS: [string, number][] = [
  ['upload-success', 30],
  ['download-success', 25],
  ['legacy-finalize-removed', 12],
  ['user-cancel', 10],
  ['inactivity-paused', 8],
  ['upload-awaits-finalize', 8],
  ['finalize-failure', 7],
];

const PAUSED_GIVE_UP_MS = 90_000;
const AWAITING_GIVE_UP_MS = 120_000;

/**
 * The continuous mix the default start runs. Transfers of the mix that its
 * simulated client abandons (paused, or waiting for an operator nobody is)
 * are cancelled by the system after a while, as oVirt's own timeouts would.
 * A scenario someone started (the Demo page, a test) is left to them: it
 * waits for its operator as long as it takes.
 */
export function startMix(engine: SimOvirtEngine, options: MixOptions): () => void {
  const random = options.random ?? Math.random;
  const pick = weightedPicker(WEIGHTS, random);
  // Only the mix's own transfers: a scenario someone started (a demo, a test) is theirs to end.
  const own = new Set<string>();
  const tick = () => {
    const now = engine.now();
    const live = engine.listTransfers().filter((t) => own.has(t.id));
    let inFlight = 0;
    for (const t of live) {
      if (t.phase.startsWith('finished_')) continue;
      inFlight += 1;
      const since = now - (t.history.at(-1)?.at ?? now);
      const giveUp = t.phase === 'transferring' ? AWAITING_GIVE_UP_MS : PAUSED_GIVE_UP_MS;
      if ((t.phase.startsWith('paused_') || t.phase === 'transferring') && since > giveUp / options.speed) engine.systemCancel(t.id);
    }
    // Start a few per tick (one for a small board) so they are at different stages.
    const batch = Math.min(options.active - inFlight, Math.ceil(options.active / 10));
    for (let i = 0; i < batch; i++) own.add(engine.startScenario(pick(), { speed: options.speed, finalizeBy: 'client' }).id);
    for (const id of own) if (!engine.transfers.has(id)) own.delete(id);
  };
  return everyTick(tick, options.everyMs ?? 2_000, options.speed);
}
