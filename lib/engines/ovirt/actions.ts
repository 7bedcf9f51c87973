import 'server-only';
import type { ActionAvailability, Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import type { ActionRequest, ActionResult } from '../types';
import { AppError } from '@/lib/errors/app-error';
import type { OvirtClient } from './client';
import { waitForFinalize } from './finalize';

type ActionView = Pick<Operation, 'nativePhase' | 'state' | 'gone' | 'details'>;

const CANCELLABLE = new Set(['initializing', 'transferring', 'resuming', 'paused_user', 'paused_system']);

/** What each transfer action does, and when oVirt accepts it. */
export function describeTransferActions(op: ActionView): ActionAvailability[] {
  const phase = op.nativePhase;
  const ended = op.gone || isTerminal(op.state);
  const endedReason = op.gone ? 'the engine no longer lists this transfer' : `the transfer has ended (${phase})`;
  const upload = op.details.direction !== 'download';
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
      dangerous: false,
      effect:
        'oVirt verifies the image, unlocks the disk and ends the transfer (finalizing_success → finished_success). ' +
        'The disk is usable when the transfer reaches finished_success — its status turns OK a few seconds earlier, while still locked.',
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
      return { ok: outcome.ok, message: outcome.message, resolution: outcome.resolution ?? undefined };
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
