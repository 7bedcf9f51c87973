import { describe, expect, it } from 'vitest';
import { logger } from '@/lib/log/logger';
import { createLibvirtAdapter } from './adapter';
import { SimLibvirtHost } from './sim/host';
import { SimVirshTransport } from './sim/transport';
import { opt } from './virsh';

describe('libvirt changedSince: one virsh process that sees jobs start, also those libvirt sends no event for', () => {
  function setup() {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const host = new SimLibvirtHost(() => t);
    host.addIdleDomain('web-1');
    host.addIdleDomain('db-1');
    const transport = new SimVirshTransport(host);
    const adapter = createLibvirtAdapter({ uri: 'sim+test:///system', log: logger, transport, events: false });
    const lines: string[] = [];
    host.onEventLine((l) => lines.push(l));
    return { host, transport, adapter, lines, advance: (ms: number) => (t += ms) };
  }

  it('a block copy started outside phaseboard is a change, its progress is not, its end is', async () => {
    const { transport, adapter, lines, advance } = setup();
    await adapter.listOperations();
    const first = await adapter.changedSince!(null);
    expect(first.changed).toBe(true);
    expect(await adapter.changedSince!(first.cursor)).toEqual({ changed: false, cursor: first.cursor });

    await transport.run([
      'blockcopy',
      opt('domain', 'web-1'),
      opt('path', 'vda'),
      opt('dest', '/var/lib/libvirt/images/web-1-copy.qcow2'),
      opt('bandwidth', 1),
    ]);
    // as with libvirtd 9.0: starting a copy sends no event
    expect(lines).toEqual([]);
    const copying = await adapter.changedSince!(first.cursor);
    expect(copying.changed).toBe(true);
    advance(5000);
    expect(await adapter.changedSince!(copying.cursor)).toEqual({ changed: false, cursor: copying.cursor });

    await transport.run(['blockjob', opt('domain', 'web-1'), opt('path', 'vda'), '--abort']);
    expect((await adapter.changedSince!(copying.cursor)).changed).toBe(true);
  });

  it('a migration and a new domain are changes (libvirt also announces both)', async () => {
    const { host, transport, adapter, lines } = setup();
    await adapter.listOperations();
    const idle = await adapter.changedSince!(null);
    await transport.background(['migrate', '--live', '--p2p', opt('domain', 'db-1'), opt('desturi', 'qemu+ssh://other/system')]);
    expect(lines.at(-1)).toMatch(/event 'migration-iteration' for domain 'db-1': iteration: '1'$/);
    const migrating = await adapter.changedSince!(idle.cursor);
    expect(migrating.changed).toBe(true);

    const d = host.startScenario('copy-awaits-pivot');
    expect(lines.at(-1)).toMatch(new RegExp(`event 'lifecycle' for domain '${d.name}': Started Booted$`));
    expect((await adapter.changedSince!(migrating.cursor)).changed).toBe(true);
  });

  it('asks libvirt once per check (one virsh process), whatever the number of domains and disks', async () => {
    const { transport, adapter } = setup();
    await adapter.listOperations();
    const processes: string[][][] = [];
    transport.batch = ((batch) => (commands: string[][]) => {
      processes.push(commands);
      return batch(commands);
    })(transport.batch.bind(transport));
    transport.run = ((run) => (args: string[]) => {
      // the simulated virsh answers a batch command by command; a run of its own would be a second process
      if (!processes.some((p) => p.includes(args))) processes.push([args]);
      return run(args);
    })(transport.run.bind(transport));
    await adapter.changedSince!(null);
    expect(processes).toHaveLength(1);
    expect(processes[0]!.map((c) => c[0])).toEqual(['blockjob', 'blockjob', 'domjobinfo', 'domjobinfo', 'list']);
  });
});
