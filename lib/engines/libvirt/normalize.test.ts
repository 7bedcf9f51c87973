import { describe, expect, it } from 'vitest';
import { blockJobSnapshot } from './normalize';
import type { DomainDisk } from './parse';

const disk = (mirror: DomainDisk['mirror']): DomainDisk => ({ target: 'vda', device: 'disk', source: '/images/vm1.qcow2', format: 'qcow2', mirror });
const copy = { type: 'Block Copy', bandwidthMiBs: 1, cur: 1024, end: 64 * 1024 * 1024 };

describe('block job snapshots', () => {
  it('names a copy by its destination, and waits for libvirt to write the mirror before listing it (its id never changes)', () => {
    // real libvirtd lists the job a moment before the XML has <mirror>: found by the adapter contract
    expect(blockJobSnapshot('vm1', disk(null), copy)).toBeNull();
    const listed = blockJobSnapshot('vm1', disk({ file: '/images/vm1-copy.qcow2', format: 'qcow2', job: 'copy', ready: false }), copy);
    expect(listed).toMatchObject({ nativeId: 'vm1/vda/copy//images/vm1-copy.qcow2', state: 'running', details: { destination: '/images/vm1-copy.qcow2' } });
  });

  it('lists a pull at once: it has no mirror', () => {
    expect(blockJobSnapshot('vm1', disk(null), { ...copy, type: 'Block Pull' })).toMatchObject({
      nativeId: 'vm1/vda/pull//images/vm1.qcow2',
      kind: 'block_pull',
    });
  });
});
