import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EventLineParser,
  parseBlockJobRaw,
  parseDomainDisks,
  parseDomainNames,
  parseDomBlkList,
  parseDomJobInfo,
  storagePathsInXml,
  virshError,
  type VirshEvent,
} from './parse';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

describe('virsh output parsing (real outputs, libvirt 9.0)', () => {
  it('reads block jobs in --raw form, and no job as null', () => {
    expect(parseBlockJobRaw(fixture('virsh-blockjob_raw_running.txt'))).toEqual({ type: 'Block Copy', bandwidthMiBs: 1, cur: 16777216, end: 67108864 });
    expect(parseBlockJobRaw(fixture('virsh-blockjob_raw_ready.txt'))).toEqual({ type: 'Block Copy', bandwidthMiBs: 0, cur: 67108864, end: 67108864 });
    expect(parseBlockJobRaw(fixture('virsh-blockjob_raw_none.txt'))).toBeNull();
    expect(() => parseBlockJobRaw(' type=Block Copy\n bandwidth=x\n cur=1\n end=2\n')).toThrow('unexpected virsh blockjob --raw output: bandwidth=x');
  });

  it('lists every storage path a domain XML names: sources, backing files, mirrors', () => {
    expect(storagePathsInXml(fixture('virsh-dumpxml_ready.xml'))).toEqual(
      expect.arrayContaining(['/tmp/phaseboard-libvirt/src.qcow2', '/tmp/phaseboard-libvirt/c3.qcow2']),
    );
    const chain = `<disk type='block'><source dev="/dev/vg/vm1"/><backingStore type='file'><source file='/img/base.qcow2'/></backingStore></disk>`;
    expect(storagePathsInXml(chain)).toEqual(['/dev/vg/vm1', '/img/base.qcow2']);
  });

  it("reads disks and a running copy's mirror from the live XML; ready only when libvirt says so", () => {
    const copying = parseDomainDisks(fixture('virsh-dumpxml_copying.xml'));
    expect(copying).toEqual([
      {
        target: 'vda',
        device: 'disk',
        source: '/tmp/phaseboard-libvirt/src.qcow2',
        format: 'qcow2',
        mirror: { file: '/tmp/phaseboard-libvirt/c3.qcow2', format: 'qcow2', job: 'copy', ready: false },
      },
    ]);
    expect(parseDomainDisks(fixture('virsh-dumpxml_ready.xml'))[0]?.mirror?.ready).toBe(true);
  });

  it('reads a mirror whose format is an attribute and a <format> child at once (seen on real libvirtd mid-copy)', () => {
    const both = `<domain><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/src.qcow2'/>
      <mirror type='file' file='/img/dst.raw' format='raw' job='copy'><format type='raw'/><source file='/img/dst.raw'/></mirror>
      <target dev='vda' bus='virtio'/></disk></devices></domain>`;
    expect(parseDomainDisks(both)[0]?.mirror).toEqual({ file: '/img/dst.raw', format: 'raw', job: 'copy', ready: false });
    const childOnly = both.replace(" format='raw' job", ' job');
    expect(parseDomainDisks(childOnly)[0]?.mirror?.format).toBe('raw');
  });

  it('reads domain names and domblklist', () => {
    expect(parseDomainNames(fixture('virsh-list_name.txt'))).toEqual(['pbt-fix']);
    expect(parseDomBlkList(fixture('virsh-domblklist_details.txt'))).toEqual([
      { type: 'file', device: 'disk', target: 'vda', source: '/tmp/phaseboard-libvirt/src.qcow2' },
    ]);
  });

  it('reads a migration job with units, and "Job type: None" as null', () => {
    expect(parseDomJobInfo(fixture('virsh-domjobinfo_migration_active.txt'))).toEqual({
      jobType: 'Unbounded',
      operation: 'Outgoing migration',
      elapsedMs: 2999,
      dataProcessed: Math.round(11.285 * 1024 ** 2),
      dataRemaining: Math.round(52.434 * 1024 ** 2),
      dataTotal: Math.round(64.375 * 1024 ** 2),
      memoryBandwidth: Math.round(4.031 * 1024 ** 2),
      dirtyRatePagesPerS: 0,
      pageSize: 4096,
      iteration: 1,
      postcopyRequests: 0,
      expectedDowntimeMs: 300,
    });
    expect(parseDomJobInfo(fixture('virsh-domjobinfo_none.txt'))).toBeNull();
  });

  it('reads the event stream: block jobs, iterations, lifecycle and a multi-line job-completed', () => {
    const events: VirshEvent[] = [];
    const p = new EventLineParser((e) => events.push(e));
    for (const line of fixture('virsh-events_migration.txt').split('\n')) p.push(line);
    p.flush();
    expect(events.map((e) => e.type)).toEqual(['migration-iteration', 'migration-iteration', 'lifecycle', 'migration-iteration', 'lifecycle', 'job-completed']);
    expect(events[0]).toEqual({ at: '2026-11-21T07:24:16.848Z', domain: 'pbtest1', type: 'migration-iteration', iteration: 1 });
    expect(events[2]).toMatchObject({ type: 'lifecycle', event: 'Suspended', detail: 'Migrated' });
    const done = events[5] as Extract<VirshEvent, { type: 'job-completed' }>;
    expect(done.stats).toMatchObject({ operation: 5, time_elapsed: 8039, data_total: 67502080, data_remaining: 0, memory_bps: 8659734, memory_iteration: 3 });

    const copy: VirshEvent[] = [];
    const q = new EventLineParser((e) => copy.push(e));
    for (const line of fixture('virsh-events_blockcopy.txt').split('\n')) q.push(line);
    q.flush();
    const jobs = copy.filter((e) => e.type === 'block-job-2');
    expect(jobs.map((e) => (e.type === 'block-job-2' ? `${e.disk} ${e.status}` : ''))).toEqual([
      'vda ready',
      'vda completed',
      'vda canceled',
      'vda ready',
      'vda canceled',
      'vda ready',
      'vda completed',
    ]);
    expect(copy.filter((e) => e.type === 'other').map((e) => (e.type === 'other' ? e.name : ''))).toContain('block-job');
  });

  it("keeps virsh's own error words", () => {
    expect(virshError(fixture('virsh-blockjob_pivot_nojob.txt'))).toBe('invalid argument: disk vda does not have an active block job');
    expect(virshError(fixture('virsh-migrate_aborted.txt'))).toBe("operation aborted: job 'migration out' canceled by client");
  });
});
