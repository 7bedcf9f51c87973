import { describe, expect, it } from 'vitest';
import { BlockCopyParams, blockCopyArgs, copyWarnings, MigrationParams, migrationArgs, parseStart } from './start';

describe('starting libvirt operations', () => {
  it('builds blockcopy with the seed 004 flags and warns before a format probe', () => {
    const p = parseStart(BlockCopyParams, { domain: 'vm1', disk: 'vda', target: '/images/copy.qcow2', shallow: true, reuseExternal: true, bandwidthMiBs: 50 }, 'block copy');
    expect(blockCopyArgs(p)).toEqual(['blockcopy', 'vm1', 'vda', '/images/copy.qcow2', '--transient-job', '--shallow', '--reuse-external', '--bandwidth', '50']);
    expect(copyWarnings(p)[0]).toMatch(/format will be probed/);
    expect(copyWarnings({ ...p, format: 'qcow2' })).toEqual([]);
    expect(copyWarnings({ ...p, raw: true })).toEqual([]);
    expect(blockCopyArgs({ ...p, raw: true, format: 'qcow2' })).toContain('--raw');
    expect(blockCopyArgs({ ...p, raw: true, format: 'qcow2' })).not.toContain('--format');
  });

  it('names the bad field', () => {
    expect(() => parseStart(BlockCopyParams, { domain: 'vm1', disk: 'vda', target: 'relative.qcow2' }, 'block copy')).toThrow('block copy: target: an absolute path on the libvirt host');
    expect(() => parseStart(MigrationParams, { domain: 'vm1', destinationUri: 'host2' }, 'live migration')).toThrow(/live migration: destinationUri: a libvirt URI/);
  });

  it('builds a live migration', () => {
    const p = parseStart(MigrationParams, { domain: 'vm1', destinationUri: 'qemu+ssh://h2/system', migrationUri: 'tcp://10.0.0.2:49152', postcopy: true, autoConverge: true, bandwidthMiBs: 100 }, 'm');
    expect(migrationArgs(p)).toEqual(['migrate', '--live', '--p2p', '--postcopy', '--auto-converge', '--bandwidth', '100', 'vm1', 'qemu+ssh://h2/system', 'tcp://10.0.0.2:49152']);
  });
});
