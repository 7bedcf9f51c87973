import 'server-only';
import { everyTick, weightedPicker, type MixOptions } from '../../sim-mix';
import type { SimCloud } from './cloud';

/** Weighted scenario picks: mostly live migrations that complete, some moves that wait for confirm, volume work. */
const WEIGHTS: [string, number][] = [
  ['live-migration', 45],
  ['live-migration-with-volume', 10],
  ['cold-migration', 10],
  ['resize', 8],
  ['volume-attach', 15],
  ['volume-detach', 12],
];

/** How long the mix's own cold migrations and resizes wait for its confirm (or revert) at speed 1. */
const CONFIRM_AFTER_MS = 20_000;
/** A resize of the mix is reverted this often instead of confirmed. */
const REVERT_SHARE = 0.25;

/**
 * The continuous mix the default start runs. The cold migrations and resizes
 * it started are confirmed (some resizes reverted) by itself after a while,
 * as the tenant who asked would; a scenario someone started (the Demo page,
 * a test) is left to them, waiting as long as it takes.
 */
export function startMix(cloud: SimCloud, options: MixOptions): () => void {
  const random = options.random ?? Math.random;
  const pick = weightedPicker(WEIGHTS, random);
  const own = new Set<string>();
  const tick = () => {
    cloud.tick();
    const now = cloud.now();
    let inFlight = 0;
    for (const id of own) {
      const op = cloud.ops.get(id);
      if (!op || op.program?.finished !== false) {
        own.delete(id);
        continue;
      }
      inFlight += 1;
      const m = op.migration;
      if (m?.status === 'finished' && now - (m.updatedAt ?? now) > CONFIRM_AFTER_MS / options.speed) {
        if (m.type === 'resize' && random() < REVERT_SHARE) op.revert?.(now, cloud.userId);
        else op.confirm?.(now, cloud.userId);
      }
    }
    // a few per tick (one for a small board) so they are at different stages
    const batch = Math.min(options.active - inFlight, Math.ceil(options.active / 10));
    for (let i = 0; i < batch; i++) own.add(cloud.startScenario(pick(), { speed: options.speed, owner: 'mix' }).nativeId);
  };
  return everyTick(tick, options.everyMs ?? 2_000, options.speed);
}
