import 'server-only';
import { everyTick, weightedPicker, type MixOptions } from '../../sim-mix';
import type { SimLibvirtHost } from './host';

/** What the embedded default keeps going on the simulated libvirt host. */
const WEIGHTS: [string, number][] = [
  ['copy-pivot', 30],
  ['migration-converging', 25],
  ['block-pull', 15],
  ['active-commit', 12],
  ['copy-cancel-after-ready', 10],
  ['migration-not-converging', 8],
];

/** idle domains the simulated host always has, for operators to start work on */
export const IDLE_DOMAINS = ['vpn-gw', 'jumphost'];

/** Keeps `active` domains busy with a job or a migration; answers a stop function. */
export function startLibvirtMix(host: SimLibvirtHost, options: MixOptions): () => void {
  const pick = weightedPicker(WEIGHTS, options.random);
  const tick = () => {
    host.advance();
    // domains whose work is done leave the host (the simulator keeps no idle ones)
    for (const d of [...host.domains.values()]) if (!d.keep && !d.job && !d.migration) host.domains.delete(d.name);
    // two idle domains stay for operators (a migrated one comes back, as a new guest would)
    for (const name of IDLE_DOMAINS) if (!host.domains.has(name)) host.addIdleDomain(name);
    const busy = [...host.domains.values()].filter((d) => !d.keep).length;
    if (busy < options.active) host.startScenario(pick(), { speed: options.speed });
  };
  return everyTick(tick, options.everyMs ?? 3000, options.speed);
}
