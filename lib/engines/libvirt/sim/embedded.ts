import 'server-only';
import type { LibvirtConnectionConfig } from '../config';
import { createLibvirtAdapter } from '../adapter';
import type { SimulatorSpec } from '@/lib/engines/module';
import { SimLibvirtHost } from './host';
import { IDLE_DOMAINS, startLibvirtMix } from './mix';
import { LIBVIRT_SCENARIOS } from './scenarios';
import { SimVirshTransport } from './transport';

const URI = 'sim+test:///system';

/**
 * The embedded libvirt host: in process, answering the adapter's virsh
 * commands in virsh's own formats, so the same adapter and parser run
 * against it. Two idle domains wait for operators; a mix keeps jobs going.
 */
export const libvirtSimulator: SimulatorSpec<LibvirtConnectionConfig> = {
  connectionId: 'sim-libvirt',
  scenarios: LIBVIRT_SCENARIOS.map((s) => ({ id: s.id, title: s.title, description: s.description, next: s.next, detail: s.job, finalizeBy: null, tags: [] })),
  async start({ mix, speed, log, clock }) {
    const host = new SimLibvirtHost(clock.now);
    for (const name of IDLE_DOMAINS) host.addIdleDomain(name);
    // a third of the mix asked for: each libvirt job runs longer than a transfer
    const mixOf = (active: number) => (active > 0 ? startLibvirtMix(host, { active: Math.max(1, Math.ceil(active / 3)), speed }) : () => {});
    let stopMix = mixOf(mix);
    return {
      connection: { id: 'sim-libvirt', engine: 'libvirt', uri: URI, pollIntervalMs: { fast: 1000, slow: 10_000 }, timeoutMs: 15_000, simulated: true },
      adapter: createLibvirtAdapter({ uri: URI, transport: new SimVirshTransport(host), log }),
      startScenario(id, o) {
        const domain = host.startScenario(id, { speed: o.speed });
        return (op) => op.details.domain === domain.name;
      },
      skip: (op, ms) => host.skip(String(op.details.domain), ms),
      outage: (seconds) => host.startOutage(seconds),
      setMix(active) {
        stopMix();
        stopMix = mixOf(active);
      },
      async stop() {
        stopMix();
      },
    };
  },
};
