import 'server-only';
import type { Resolution } from '@/lib/model/snapshot';
import { FINALIZE_POLL_MS, FINALIZE_TIMEOUT_MS } from './constants';
import type { OvirtDisk, OvirtImageTransfer } from './parse';

export interface FinalizeWaitDeps {
  transferId: string;
  diskId: string;
  getTransfer: () => Promise<OvirtImageTransfer | null>;
  getDisk: () => Promise<OvirtDisk | null>;
  log: (message: string) => void;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  timeoutMs?: number;
  pollMs?: number;
}

export interface FinalizeOutcome {
  ok: boolean;
  /** null on timeout: the transfer is still finalizing, nothing is settled */
  resolution: Resolution | null;
  message: string;
}

/**
 * Waits for a finalize to settle, as seed 000 prescribes. Disk status alone is
 * not trusted: oVirt marks the disk OK ~3 s before it unlocks it. Only the
 * transfer phase says done — unless the engine (before 4.4.7) already removed
 * the transfer, in which case the disk is unlocked and one look at it decides.
 */
export async function waitForFinalize(deps: FinalizeWaitDeps, startedAt = deps.now()): Promise<FinalizeOutcome> {
  const { transferId: id, diskId } = deps;
  const timeoutMs = deps.timeoutMs ?? FINALIZE_TIMEOUT_MS;
  const pollMs = deps.pollMs ?? FINALIZE_POLL_MS;
  const failed = (message: string): FinalizeOutcome => ({ ok: false, message, resolution: { state: 'failed', message } });

  for (;;) {
    await deps.sleep(pollMs);
    const transfer = await deps.getTransfer();
    if (transfer === null) {
      deps.log(`transfer ${id} was removed, checking disk ${diskId} status`);
      const disk = await deps.getDisk();
      if (disk === null) return failed(`transfer ${id} failed: disk ${diskId} was removed`);
      const status = disk.status ?? 'unknown';
      deps.log(`disk ${diskId} is ${status}`);
      if (status !== 'ok') return failed(`transfer ${id} failed: disk is ${status}`);
      return succeeded(deps, startedAt, `transfer removed by the engine; disk ${diskId} is ok`);
    }
    deps.log(`transfer ${id} is ${transfer.phase}`);
    if (transfer.phase === 'finished_success') return succeeded(deps, startedAt);
    if (transfer.phase === 'finished_failure') return failed(`transfer ${id} has failed`);
    if (transfer.phase === 'paused_system') {
      return failed(`transfer ${id} was paused by system (disk is ILLEGAL and kept)`);
    }
    if (deps.now() - startedAt > timeoutMs) {
      const message = `timed out waiting for transfer ${id} to finalize, transfer is ${transfer.phase}`;
      return { ok: false, message, resolution: null };
    }
  }
}

function succeeded(deps: FinalizeWaitDeps, startedAt: number, evidence?: string): FinalizeOutcome {
  const seconds = (deps.now() - startedAt) / 1000;
  deps.log(`transfer ${deps.transferId} finalized in ${seconds.toFixed(3)} seconds`);
  const message = `finalized in ${seconds.toFixed(1)} s${evidence ? ` (${evidence})` : ''}`;
  return { ok: true, message, resolution: { state: 'succeeded', message } };
}
