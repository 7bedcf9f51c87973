import { describe, expect, it } from 'vitest';
import { blockJobSnapshot, migrationSnapshot, notConverging } from './normalize';
import type { DomJobInfo } from './parse';
import { libvirtPipeline } from './pipeline';
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

describe('migration progress that does not lie', () => {
  const GiB = 1024 ** 3;
  const job = (o: Partial<DomJobInfo>): DomJobInfo => ({
    jobType: 'Unbounded',
    operation: 'Outgoing migration',
    elapsedMs: 20_000,
    dataProcessed: 12.3 * GiB,
    dataRemaining: 1.88 * GiB,
    dataTotal: 2 * GiB,
    memoryBandwidth: 100 * 1024 ** 2,
    dirtyRatePagesPerS: 1000,
    pageSize: 4096,
    iteration: 5,
    postcopyRequests: 0,
    expectedDowntimeMs: 300,
    ...o,
  });

  it('is 1 − remaining/total, and says "not converging" (no ETA) when what remains stops shrinking', () => {
    const snap = migrationSnapshot('web-02', 'm1', job({}), [1.9 * GiB, 1.89 * GiB, 1.88 * GiB]);
    expect(snap.progress).toMatchObject({ done: expect.closeTo(0.12 * GiB, 0), total: 2 * GiB, stalled: 'not converging: what remains no longer shrinks' });
    // 12.3 GiB processed of 2 GiB is not 100 %
    expect(snap.progress!.done / snap.progress!.total!).toBeCloseTo(0.06, 2);
  });

  it('is not converging when the guest dirties memory faster than the link sends it', () => {
    expect(notConverging(job({ dirtyRatePagesPerS: 50_000 }), [])).toMatch(/dirties memory faster/);
  });

  it('converges while each iteration leaves clearly less', () => {
    expect(notConverging(job({}), [2 * GiB, 1 * GiB, 0.4 * GiB])).toBeNull();
    expect(migrationSnapshot('web-02', 'm1', job({ postcopyRequests: 3 }), [1.9 * GiB, 1.9 * GiB, 1.9 * GiB]).progress?.stalled).toBeNull();
  });
});

describe('libvirt pipelines', () => {
  const view = (o: Partial<Parameters<typeof libvirtPipeline>[0]>) =>
    libvirtPipeline({
      kind: 'block_copy',
      subject: { type: 'disk', id: 'vda', name: 'web-02/vda' },
      nativePhase: 'copying',
      state: 'running',
      gone: false,
      details: {},
      progress: null,
      ...o,
    }).map((s) => `${s.key}:${s.status}`);

  it('a copy: copy → in sync → pivot, the pivot waiting for you once ready', () => {
    expect(view({})).toEqual(['copy:current', 'sync:pending', 'pivot:pending']);
    expect(view({ state: 'ready', nativePhase: 'ready' })).toEqual(['copy:done', 'sync:done', 'pivot:current']);
    expect(view({ state: 'succeeded', gone: true })).toEqual(['copy:done', 'sync:done', 'pivot:done']);
    expect(view({ state: 'cancelled', gone: true, outcome: 'cancelled after ready: /x is left as a point-in-time copy' })).toEqual([
      'copy:done',
      'sync:done',
      'pivot:skipped',
    ]);
  });

  it('a migration shows post-copy only when it used it', () => {
    const mig = { kind: 'live_migration' as const, nativePhase: 'iteration 3', progress: { unit: 'bytes' as const, done: 1, total: 2 } };
    expect(view({ ...mig })).toEqual(['setup:done', 'iterations:current', 'postcopy:pending', 'switchover:pending']);
    expect(view({ ...mig, nativePhase: 'postcopy', details: { postcopyActive: true } })).toEqual([
      'setup:done',
      'iterations:done',
      'postcopy:current',
      'switchover:pending',
    ]);
    expect(view({ ...mig, state: 'succeeded', gone: true })).toEqual(['setup:done', 'iterations:done', 'postcopy:skipped', 'switchover:done']);
    expect(view({ ...mig, state: 'cancelled', gone: true })).toEqual(['setup:done', 'iterations:failed', 'postcopy:skipped', 'switchover:skipped']);
  });
});
