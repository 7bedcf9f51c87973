import { describe, expect, it } from 'vitest';
import { describeTransferActions, waitForFinalize, type FinalizeWaitDeps } from './actions';
import { transferPipeline } from './pipeline';
import type { OvirtDisk, OvirtImageTransfer } from './parse';

/** Plays a scripted list of answers; a fake clock advances by each sleep. */
function harness(transfers: (string | null)[], disk: OvirtDisk | null = null, timeoutMs = 60_000) {
  let t = 0;
  const lines: string[] = [];
  let i = 0;
  const deps: FinalizeWaitDeps = {
    transferId: 'T',
    diskId: 'D',
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    log: (m) => lines.push(m),
    getTransfer: async () => {
      const phase = transfers[Math.min(i++, transfers.length - 1)];
      return phase === null || phase === undefined ? null : ({ id: 'T', phase } as OvirtImageTransfer);
    },
    getDisk: async () => disk,
    timeoutMs,
  };
  return { deps, lines };
}

describe('waitForFinalize (seed 000)', () => {
  it('succeeds on finished_success, logging every polled phase and the total time', async () => {
    const { deps, lines } = harness(['finalizing_success', 'finalizing_success', 'finalizing_success', 'finalizing_success', 'finished_success']);
    const r = await waitForFinalize(deps, 0);
    expect(r.ok).toBe(true);
    expect(r.resolution?.state).toBe('succeeded');
    expect(r.message).toBe('finalized in 5.0 s');
    expect(lines).toEqual([
      'transfer T is finalizing_success',
      'transfer T is finalizing_success',
      'transfer T is finalizing_success',
      'transfer T is finalizing_success',
      'transfer T is finished_success',
      'transfer T finalized in 5.000 seconds',
    ]);
  });

  it('fails on finished_failure', async () => {
    const r = await waitForFinalize(harness(['finalizing_success', 'finished_failure']).deps, 0);
    expect(r).toMatchObject({ ok: false, message: 'transfer T has failed', resolution: { state: 'failed' } });
  });

  it('says why a finalize failed, in the disk status', async () => {
    const r = await waitForFinalize(harness(['finalizing_failure', 'finished_failure'], { id: 'D', status: 'illegal' } as OvirtDisk).deps, 0);
    expect(r).toMatchObject({
      ok: false,
      message: 'transfer T has failed: disk D is ILLEGAL',
      resolution: { state: 'failed', details: { diskStatus: 'illegal' } },
    });
  });

  it('fails on paused_system (the disk is ILLEGAL and kept)', async () => {
    const r = await waitForFinalize(harness(['finalizing_success', 'paused_system']).deps, 0);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/paused by system/);
  });

  it('trusts one disk look when the transfer is gone: OK means success', async () => {
    const { deps, lines } = harness(['finalizing_success', null], { id: 'D', status: 'ok' });
    const r = await waitForFinalize(deps, 0);
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^finalized in 2\.0 s \(transfer removed by the engine; disk D is OK\)$/);
    expect(lines).toContain('transfer T was removed, checking disk D status');
    expect(lines).toContain('disk D is ok');
  });

  it('transfer gone and disk ILLEGAL: failure naming the status', async () => {
    const r = await waitForFinalize(harness([null], { id: 'D', status: 'illegal' }).deps, 0);
    expect(r).toMatchObject({ ok: false, message: 'transfer T failed: disk D is ILLEGAL' });
  });

  it('transfer gone and disk missing: failure saying the disk was removed', async () => {
    const r = await waitForFinalize(harness([null], null).deps, 0);
    expect(r).toMatchObject({ ok: false, message: 'transfer T failed: disk D was removed' });
  });

  it('transfer gone and disk still LOCKED: not settled, the same verdict the collector gives a vanished transfer', async () => {
    const r = await waitForFinalize(harness([null], { id: 'D', status: 'locked' }).deps, 0);
    expect(r).toMatchObject({ ok: false, resolution: { state: 'unknown', details: { diskStatus: 'locked' } } });
    expect(r.message).toBe('transfer removed by the engine; disk D is LOCKED: not settled yet');
  });

  it('times out naming the last phase, and settles nothing', async () => {
    const r = await waitForFinalize(harness(['finalizing_success'], null, 10_000).deps, 0);
    expect(r.ok).toBe(false);
    expect(r.resolution).toBeNull();
    expect(r.message).toBe('timed out waiting for transfer T to finalize, transfer is finalizing_success');
  });

  it('does not take a disk that turned OK as done while the transfer still finalizes', async () => {
    const { deps } = harness(['finalizing_success', 'finalizing_success', 'finished_success'], { id: 'D', status: 'ok' });
    let diskLooks = 0;
    deps.getDisk = async () => {
      diskLooks += 1;
      return { id: 'D', status: 'ok' };
    };
    const r = await waitForFinalize(deps, 0);
    expect(r.message).toBe('finalized in 3.0 s');
    expect(diskLooks).toBe(0);
  });
});

describe('finalize, by how much data is in', () => {
  const view = (done: number) => ({
    kind: 'image_transfer' as const,
    subject: { type: 'disk' as const, id: 'd1', name: 'db01_Disk1' },
    nativePhase: 'transferring',
    state: 'running' as const,
    gone: false,
    details: { direction: 'upload' },
    progress: { unit: 'bytes' as const, done, total: 1024 ** 3 },
  });
  const finalize = (done: number) => describeTransferActions(view(done)).find((a) => a.name === 'finalize')!;

  it('at 100 % it is what the transfer waits for: Needs you, no typing', () => {
    expect(finalize(1024 ** 3)).toMatchObject({ enabled: true, dangerous: false, awaited: true });
    expect(finalize(1024 ** 3).typedConfirmation).toBeUndefined();
  });

  it('below 100 % it is dangerous, says how much is missing, and asks to type the disk name', () => {
    const a = finalize(298 * 1024 ** 2);
    expect(a).toMatchObject({ enabled: true, dangerous: true, awaited: false, typedConfirmation: 'db01_Disk1' });
    expect(a.effect).toMatch(/^Only 298\.0 MiB of 1\.0 GiB sent — the disk will be incomplete\./);
  });
});

describe('transfer pipeline', () => {
  const base = {
    kind: 'image_transfer' as const,
    subject: { type: 'disk' as const, id: 'd1', name: 'db01_Disk1' },
    gone: false,
    details: { direction: 'upload', diskStatus: 'locked' },
    progress: { unit: 'bytes' as const, done: 10, total: 100 },
  };
  const statuses = (o: Partial<Parameters<typeof transferPipeline>[0]>) =>
    transferPipeline({ ...base, nativePhase: 'transferring', state: 'running', ...o }).map((s) => `${s.key}:${s.status}`);

  it('walks transfer → finalize → verify → unlock as the phase and the disk say', () => {
    expect(statuses({})).toEqual(['transfer:current', 'finalize:pending', 'verify:pending', 'unlock:pending']);
    expect(statuses({ progress: { unit: 'bytes', done: 100, total: 100 } })).toEqual(['transfer:done', 'finalize:current', 'verify:pending', 'unlock:pending']);
    expect(statuses({ nativePhase: 'finalizing_success', state: 'finalizing' })).toEqual([
      'transfer:done',
      'finalize:current',
      'verify:pending',
      'unlock:pending',
    ]);
    // the disk turns OK while still locked: verified, unlocking
    expect(statuses({ nativePhase: 'finalizing_success', state: 'finalizing', details: { diskStatus: 'ok' } })).toEqual([
      'transfer:done',
      'finalize:done',
      'verify:done',
      'unlock:current',
    ]);
    expect(statuses({ nativePhase: 'finished_success', state: 'succeeded' })).toEqual(['transfer:done', 'finalize:done', 'verify:done', 'unlock:done']);
  });

  it('marks where it failed or was cancelled, and skips the rest', () => {
    expect(statuses({ nativePhase: 'finished_failure', state: 'failed' })).toEqual(['transfer:done', 'finalize:done', 'verify:failed', 'unlock:skipped']);
    expect(statuses({ nativePhase: 'finished_cleanup', state: 'cancelled' })).toEqual([
      'transfer:failed',
      'finalize:skipped',
      'verify:skipped',
      'unlock:skipped',
    ]);
  });
});
