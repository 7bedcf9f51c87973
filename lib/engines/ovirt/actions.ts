import 'server-only';
import type { ActionAvailability, Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import type { ActionRequest, ActionResult, ActionView } from '../types';
import { formatBytes } from '@/lib/format/bytes';
import { AppError } from '@/lib/errors/app-error';
import type { Resolution } from '@/lib/model/snapshot';
import { FINALIZE_POLL_MS, FINALIZE_TIMEOUT_MS } from './constants';
import type { OvirtDisk, OvirtImageTransfer } from './parse';
import { outcomeFromDisk } from './resolve';
import type { OvirtClient } from './client';

const CANCELLABLE = new Set(['initializing', 'transferring', 'resuming', 'paused_user', 'paused_system']);

/** The actions an image transfer may offer (retry only ever as a disabled pointer to the client). */
export const OVIRT_ACTIONS = {
  image_transfer: [{ name: 'retry' }, { name: 'finalize' }, { name: 'cancel' }, { name: 'pause' }, { name: 'resume' }],
};

/** What each transfer action does, and when oVirt accepts it. */
export function describeTransferActions(op: ActionView): ActionAvailability[] {
  const phase = op.nativePhase;
  const ended = op.gone || isTerminal(op.state);
  const endedReason = op.gone ? 'the engine no longer lists this transfer' : `the transfer has ended (${phase})`;
  const upload = op.details.direction !== 'download';
  const short = incompleteBy(op.progress);
  const when = (ok: boolean, reason: string) => (ended ? { enabled: false, reason: endedReason } : ok ? { enabled: true } : { enabled: false, reason });
  const retry: ActionAvailability[] =
    ended && op.state !== 'succeeded'
      ? [
          {
            name: 'retry',
            label: 'Retry',
            dangerous: false,
            effect: 'Starts the transfer again.',
            enabled: false,
            // phaseboard is not the client: it cannot send (or read) the data again itself.
            reason: `the data comes from the ${upload ? 'uploading' : 'downloading'} client: start the ${upload ? 'upload' : 'download'} again from the client; the new transfer on this disk shows here as the next attempt`,
          },
        ]
      : [];
  return [
    ...retry,
    {
      name: 'finalize',
      label: 'Finalize',
      // Finalizing before every byte is sent leaves a disk with a hole in it: oVirt does not check.
      dangerous: short !== null,
      effect: short
        ? `Only ${short.sent} of ${short.size} ${upload ? 'sent' : 'read'} — ${upload ? 'the disk will be incomplete' : 'the download will be incomplete'}. ` +
          'oVirt verifies the image format, unlocks the disk and ends the transfer; the missing data is not sent later.'
        : 'oVirt verifies the image, unlocks the disk and ends the transfer (finalizing_success → finished_success). ' +
          'The disk is usable when the transfer reaches finished_success — its status turns OK a few seconds earlier, while still locked.',
      ...(short ? { typedConfirmation: op.subject.name } : {}),
      // all data is in and the transfer waits: whose turn it is
      awaited: phase === 'transferring' && short === null && op.progress !== null && op.progress.total !== null,
      ...when(phase === 'transferring', `finalize needs the transfer to be transferring; it is ${phase}`),
    },
    {
      name: 'cancel',
      label: 'Cancel',
      dangerous: true,
      effect: upload
        ? 'oVirt stops the upload and cleans up (cancelled_user → finalizing_cleanup → finished_cleanup); the data sent so far is discarded.'
        : 'oVirt stops the download and cleans up (cancelled_user → finalizing_cleanup → finished_cleanup); the disk is left as it was.',
      ...when(CANCELLABLE.has(phase), `cancel is possible before finalizing; the transfer is ${phase}`),
    },
    {
      name: 'pause',
      label: 'Pause',
      dangerous: false,
      effect: 'The transfer stops accepting data (paused_user) until resumed; the disk stays locked.',
      ...when(phase === 'transferring', `pause needs the transfer to be transferring; it is ${phase}`),
    },
    {
      name: 'resume',
      label: 'Resume',
      dangerous: false,
      effect: 'oVirt resumes the transfer (resuming → transferring); the client can send data again.',
      ...when(phase === 'paused_user' || phase === 'paused_system', `resume needs a paused transfer; it is ${phase}`),
    },
  ];
}

/** How much of the image is still missing, in words; null when all of it is there (or the size is unknown). */
export function incompleteBy(progress: ActionView['progress']): { sent: string; size: string } | null {
  if (!progress || progress.unit !== 'bytes' || progress.total === null || progress.total === 0 || progress.done >= progress.total) return null;
  return { sent: formatBytes(progress.done), size: formatBytes(progress.total) };
}

export interface TransferActionDeps {
  client: OvirtClient;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  finalizeTimeoutMs?: number;
  finalizePollMs?: number;
}

export async function performTransferAction(deps: TransferActionDeps, op: Operation, req: ActionRequest): Promise<ActionResult> {
  const { client } = deps;
  const id = op.nativeId;
  switch (req.action) {
    case 'finalize': {
      const startedAt = deps.now();
      req.log(`finalizing transfer ${id}`);
      await client.imageTransferAction(id, 'finalize', req.correlationId);
      const outcome = await waitForFinalize(
        {
          transferId: id,
          diskId: String(op.details.diskId ?? op.subject.id),
          getTransfer: () => client.imageTransferGet(id),
          getDisk: () => client.diskGet(String(op.details.diskId ?? op.subject.id)),
          log: req.log,
          now: deps.now,
          sleep: deps.sleep,
          timeoutMs: deps.finalizeTimeoutMs,
          pollMs: deps.finalizePollMs,
        },
        startedAt,
      );
      const short = incompleteBy(op.progress);
      if (!short) return { ok: outcome.ok, message: outcome.message, resolution: outcome.resolution ?? undefined };
      // It succeeded as far as oVirt can tell; the outcome says what it cannot.
      const incomplete = `${outcome.message} — with only ${short.sent} of ${short.size} sent: the disk is incomplete`;
      return { ok: outcome.ok, message: incomplete, resolution: outcome.resolution ? { ...outcome.resolution, message: incomplete } : undefined };
    }
    case 'cancel':
    case 'pause':
    case 'resume':
      await client.imageTransferAction(id, req.action, req.correlationId);
      return { ok: true, message: `oVirt accepted ${req.action}` };
    default:
      throw new AppError('unsupported', `oVirt image transfers have no ${req.action} action`);
  }
}

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
      deps.log(`disk ${diskId} is ${disk ? (disk.status ?? 'unknown') : 'missing'}`);
      const outcome = outcomeFromDisk(id, diskId, disk);
      if (outcome.state === 'succeeded') return succeeded(deps, startedAt, outcome.message);
      return { ok: false, message: outcome.message, resolution: outcome };
    }
    deps.log(`transfer ${id} is ${transfer.phase}`);
    if (transfer.phase === 'finished_success') return succeeded(deps, startedAt);
    if (transfer.phase === 'finished_failure') {
      // why, in the disk's own word (verification leaves it ILLEGAL)
      const disk = await deps.getDisk().catch(() => null);
      const status = disk?.status;
      if (!status) return failed(`transfer ${id} has failed`);
      const message = `transfer ${id} has failed: disk ${diskId} is ${status.toUpperCase()}`;
      return { ok: false, message, resolution: { state: 'failed', message, details: { diskStatus: status } } };
    }
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
  return { ok: true, message, resolution: { state: 'succeeded', message, details: evidence ? { diskStatus: 'ok' } : undefined } };
}
