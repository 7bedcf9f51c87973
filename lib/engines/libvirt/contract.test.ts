import path from 'node:path';
import { logger } from '@/lib/log/logger';
import { createDomain, realLibvirt, virsh, virshBackground } from '@/lib/testing/real-libvirt';
import { describeAdapterContract } from '../contract.suite';
import { manualLibvirt } from './sim/manual';
import { createLibvirtAdapter, type LibvirtAdapter } from './adapter';
import { libvirtEngine } from './index';

/** The native id of the job the adapter lists on `domain` (waits for libvirt to show it). */
async function jobOn(adapter: LibvirtAdapter, domain: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await adapter.listOperations({ known: [] })).find((s) => s.details.domain === domain);
    if (hit) return hit.nativeId;
    if (Date.now() > deadline) throw new Error(`no job listed on ${domain} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The shared adapter contract on the simulated virsh (one manual clock for host and poller). */
describeAdapterContract('libvirt on the simulated host', async () => {
  const { host, adapter, now, tick } = manualLibvirt();
  const start = (scenario: string) => jobOn(adapter, host.startScenario(scenario).name);
  return {
    adapter,
    module: libvirtEngine,
    now,
    // copying → ready; the storage tool pivots 5 s later
    startOperation: () => start('copy-pivot'),
    advance: async (ms) => {
      tick(ms);
      host.advance();
    },
    actions: [
      { action: 'pivot', start: () => start('copy-awaits-pivot'), endsIn: 'succeeded' },
      { action: 'cancel', start: () => start('copy-awaits-pivot'), endsIn: 'cancelled' },
      { action: 'set_bandwidth', start: () => start('migration-not-converging'), params: { bandwidthMiBs: 400 } },
      { action: 'postcopy', start: () => start('migration-not-converging'), endsIn: 'succeeded' },
      { action: 'cancel', start: () => start('migration-converging'), endsIn: 'cancelled' },
    ],
    // pivot while still copying: libvirt refuses with its reason
    refusal: async () => ({ nativeId: await start('copy-awaits-pivot'), action: 'pivot' }),
    // the tool cancels once in sync: the job vanishes and its end is derived
    forgotten: () => start('copy-cancel-after-ready'),
    outage: { begin: async () => void host.startOutage(3600), end: async () => host.endOutage() },
    close: () => adapter.close(),
  };
});

/** The same contract against real libvirtd + QEMU (scripts/libvirt/up.sh); real time. */
let seq = 0;
describeAdapterContract(
  'libvirt on real libvirtd + QEMU',
  async () => {
    const env = realLibvirt();
    const adapter = createLibvirtAdapter({ uri: env.srcUri, log: logger });
    const domains: string[] = [];
    const copy = (bandwidthMiBs: number, extra: string[]) => {
      const { domain, disk } = createDomain(env, `contract-${process.pid}-${++seq}`);
      domains.push(domain);
      void virshBackground(
        env.srcUri,
        'blockcopy',
        domain,
        'vda',
        path.join(path.dirname(disk), 'copy.qcow2'),
        '--transient-job',
        '--bandwidth',
        String(bandwidthMiBs),
        ...extra,
      );
      return jobOn(adapter, domain);
    };
    return {
      adapter,
      module: libvirtEngine,
      startOperation: () => copy(32, []),
      // as a storage tool does: pivot a moment after libvirt says ready (long enough for a poll to see ready)
      finish: async (nativeId) => {
        const domain = nativeId.split('/')[0]!;
        void (async () => {
          while (!/<mirror[^>]*ready='yes'/.test(virsh(env.srcUri, 'dumpxml', domain))) await new Promise((r) => setTimeout(r, 200));
          await new Promise((r) => setTimeout(r, 4000));
          virsh(env.srcUri, 'blockjob', domain, 'vda', '--pivot');
        })().catch(() => {});
      },
      advance: (ms) => new Promise((r) => setTimeout(r, ms)),
      actions: [
        { action: 'pivot', start: () => copy(32, []), endsIn: 'succeeded' },
        { action: 'cancel', start: () => copy(1, []), endsIn: 'cancelled' },
      ],
      // 1 MiB/s keeps it copying: libvirt refuses a pivot with its reason
      refusal: async () => ({ nativeId: await copy(1, []), action: 'pivot' }),
      close: async () => {
        await adapter.close();
        for (const d of domains) {
          try {
            virsh(env.srcUri, 'destroy', d);
          } catch {
            // already gone
          }
        }
      },
    };
  },
  { stepMs: 500, timeoutMs: 45_000, testTimeoutMs: 90_000 },
);
