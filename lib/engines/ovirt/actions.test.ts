import { describe, expect, it } from 'vitest';
import { waitForFinalize, type FinalizeWaitDeps } from './actions';
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
