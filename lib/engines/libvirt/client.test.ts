import { describe, expect, it } from 'vitest';
import { parseInput } from '@/lib/errors/zod-error';
import { BlockCopyParams, copyWarnings, MigrationParams } from './forms';
import { blockCopyArgs, migrationArgs } from './client';
import { checkMigrationUri } from './uri';

describe('starting libvirt operations', () => {
  it('builds blockcopy with the seed 004 flags and warns before a format probe', () => {
    const p = parseInput(
      BlockCopyParams,
      { domain: 'vm1', disk: 'vda', target: '/images/copy.qcow2', shallow: true, reuseExternal: true, bandwidthMiBs: 50 },
      'block copy',
    );
    expect(blockCopyArgs(p)).toEqual([
      'blockcopy',
      '--domain=vm1',
      '--path=vda',
      '--dest=/images/copy.qcow2',
      '--transient-job',
      '--shallow',
      '--reuse-external',
      '--bandwidth=50',
    ]);
    expect(copyWarnings(p)[0]).toMatch(/format will be probed/);
    expect(copyWarnings({ ...p, format: 'qcow2' })).toEqual([]);
    expect(copyWarnings({ ...p, raw: true })).toEqual([]);
    expect(blockCopyArgs({ ...p, raw: true, format: 'qcow2' })).toContain('--raw');
    expect(blockCopyArgs({ ...p, raw: true, format: 'qcow2' })).not.toContain('--format=qcow2');
    // A domain called like a virsh option stays a domain name.
    expect(blockCopyArgs({ ...p, domain: '--pivot' })[1]).toBe('--domain=--pivot');
  });

  it('names the bad field', () => {
    expect(() => parseInput(BlockCopyParams, { domain: 'vm1', disk: 'vda', target: 'relative.qcow2' }, 'block copy')).toThrow(
      'block copy: target: an absolute path on the libvirt host',
    );
    expect(() => parseInput(MigrationParams, { domain: 'vm1', destinationUri: 'host2' }, 'live migration')).toThrow(
      /live migration: destinationUri: a libvirt URI/,
    );
  });

  it("sends a guest's memory only to the destination host, or loopback for a local destination", () => {
    expect(() => checkMigrationUri('tcp://10.0.0.2:49152', '10.0.0.2')).not.toThrow();
    expect(() => checkMigrationUri('tcp://KVM2.example:49152', 'kvm2.example')).not.toThrow();
    expect(() => checkMigrationUri('tcp://127.0.0.1:49230', null)).not.toThrow();
    expect(() => checkMigrationUri('tcp://attacker.example:4444', 'kvm2.example')).toThrow(
      /^migrationUri: attacker.example is not the destination host \(kvm2.example\)/,
    );
    expect(() => checkMigrationUri('tcp://10.0.0.9:1', null)).toThrow(/not the destination host \(this machine\)/);
    expect(() => checkMigrationUri(undefined, 'kvm2')).not.toThrow();
    expect(() => parseInput(MigrationParams, { domain: 'vm1', destinationUri: 'qemu+ssh://h2/system', migrationUri: 'tcp://h2:1/x;y' }, 'm')).toThrow(
      /migrationUri: a tcp:\/\/host:port URI/,
    );
  });

  it('builds a live migration', () => {
    const p = parseInput(
      MigrationParams,
      { domain: 'vm1', destinationUri: 'qemu+ssh://h2/system', migrationUri: 'tcp://10.0.0.2:49152', postcopy: true, autoConverge: true, bandwidthMiBs: 100 },
      'm',
    );
    expect(migrationArgs(p)).toEqual([
      'migrate',
      '--live',
      '--p2p',
      '--postcopy',
      '--auto-converge',
      '--bandwidth=100',
      '--domain=vm1',
      '--desturi=qemu+ssh://h2/system',
      '--migrateuri=tcp://10.0.0.2:49152',
    ]);
  });
});
