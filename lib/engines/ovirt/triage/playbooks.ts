import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { Operation } from '@/lib/model/operation';
import type { Playbook, PlannedStep } from '@/lib/triage/playbook';
import { actionStep, manualStep } from '@/lib/triage/steps';
import { waitForFinalize } from '../actions';
import type { OvirtAdapter } from '../adapter';
import { REQUESTS, requestLine, type TransferAction } from '../client';
import { FINALIZE_POLL_MS, FINALIZE_TIMEOUT_MS } from '../constants';
import { diskId } from './rules';

/**
 * The safe ways out of what the rules find. Every request a dry run names
 * is built by the client's own REQUESTS: what the plan says is what is sent.
 */

const transferRequest = (op: Operation | null, action: TransferAction) => requestLine(REQUESTS.imageTransferAction(op?.nativeId ?? '{id}', action));
const transferEntity = (op: Operation | null) => (op ? [`image transfer ${op.nativeId} (disk ${op.subject.name})`] : []);

const readStep = (op: Operation | null): PlannedStep<OvirtAdapter> => ({
  title: 'Read the transfer and its disk from the engine',
  request: `${requestLine(REQUESTS.imageTransferGet(op?.nativeId ?? '{id}'))} · ${requestLine(REQUESTS.diskGet(op ? diskId(op) : '{disk}'))}`,
  changes: [],
  precondition: 'none (read-only)',
  manual: false,
  check: async () => null,
  async run({ adapter, operation, refresh }) {
    if (!operation) throw new AppError('conflict', 'there is no operation to read');
    const [t, d] = await Promise.all([adapter.client.imageTransferGet(operation.nativeId), adapter.client.diskGet(diskId(operation))]);
    await refresh();
    return `transfer ${t ? `is ${t.phase ?? 'unknown'}` : 'is gone'}; disk ${d ? `is ${d.status ?? 'unknown'}` : 'is missing'}`;
  },
});

export const OVIRT_PLAYBOOKS: readonly Playbook<OvirtAdapter>[] = [
  {
    id: 'ovirt.resume-transfer',
    title: 'Resume the transfer',
    description: 'Asks oVirt to resume a paused transfer. The client must still be there to send the rest.',
    plan: (_f, op) => [
      actionStep({ action: 'resume', title: 'Resume the image transfer', request: transferRequest(op, 'resume'), changes: transferEntity(op) }),
    ],
  },
  {
    id: 'ovirt.cancel-transfer',
    title: 'Cancel the transfer',
    description: 'Cancels the transfer; oVirt cleans up (finalizing_cleanup → finished_cleanup).',
    plan: (_f, op) => [
      actionStep({
        action: 'cancel',
        title: 'Cancel the image transfer',
        request: transferRequest(op, 'cancel'),
        changes: [...transferEntity(op), ...(op ? [`disk ${diskId(op)}: data sent so far discarded`] : [])],
      }),
    ],
  },
  {
    id: 'ovirt.pause-transfer',
    title: 'Pause the transfer',
    description: 'Pauses the transfer (paused_user) so it waits while you look at the client.',
    plan: (_f, op) => [actionStep({ action: 'pause', title: 'Pause the image transfer', request: transferRequest(op, 'pause'), changes: transferEntity(op) })],
  },
  {
    id: 'ovirt.recheck-transfer',
    title: 'Read the transfer and disk again',
    observesOnly: true,
    description: 'Read-only: asks the engine for the transfer and its disk now.',
    plan: (_f, op) => [readStep(op)],
  },
  {
    id: 'ovirt.wait-finished',
    title: 'Wait for finished_success',
    observesOnly: true,
    description: 'Polls the transfer every second for up to 60 s, as seed 000 prescribes; the disk status alone is not trusted.',
    plan: (_f, op) => [
      {
        title: 'Poll the transfer until it finishes',
        request: `${requestLine(REQUESTS.imageTransferGet(op?.nativeId ?? '{id}'))} every ${FINALIZE_POLL_MS / 1000} s (up to ${FINALIZE_TIMEOUT_MS / 1000} s)`,
        changes: [],
        precondition: 'the transfer is still finalizing',
        manual: false,
        async check({ adapter, operation }) {
          if (!operation) return 'there is no operation to wait for';
          const t = await adapter.client.imageTransferGet(operation.nativeId);
          if (t && !String(t.phase).startsWith('finalizing_')) return `the transfer is no longer finalizing; it is ${t.phase}`;
          return null;
        },
        async run({ adapter, operation, log, refresh }) {
          if (!operation) throw new AppError('conflict', 'there is no operation to wait for');
          const { client } = adapter;
          const outcome = await waitForFinalize({
            transferId: operation.nativeId,
            diskId: diskId(operation),
            getTransfer: () => client.imageTransferGet(operation.nativeId),
            getDisk: () => client.diskGet(diskId(operation)),
            log,
            now: Date.now,
            sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          });
          await refresh();
          if (!outcome.ok) throw new AppError('conflict', outcome.message);
          return outcome.message;
        },
      },
    ],
  },
  {
    id: 'ovirt.engine-task-check',
    title: 'Check the engine task',
    description: 'Finds the task that holds the transfer on the engine host; clears it only when nothing runs. Then reads the transfer again.',
    plan: (_f, op) => [
      manualStep({
        title: 'Find the transfer in the engine log',
        command: `grep ${op?.nativeId ?? '<transfer-id>'} /var/log/ovirt-engine/engine.log | tail`,
        changes: [],
      }),
      manualStep({
        title: 'On the transfer host, list VDSM tasks',
        command: `vdsm-client Host getAllTasksStatuses   # on ${op?.details.host ?? 'the host'}`,
        changes: [],
      }),
      manualStep({
        title: 'Only if no task is running: remove the zombie engine task (read its options first)',
        command: '/usr/share/ovirt-engine/setup/dbutils/taskcleaner.sh -h',
        changes: ["the engine's zombie async task for this transfer"],
      }),
      readStep(op),
    ],
  },
  {
    id: 'ovirt.unlock-disk',
    title: 'Unlock the disk on the engine side',
    description: "Releases a lock no transfer holds any more, with the engine's own dbutils script, then checks the disk.",
    plan: (_f, op) => [
      manualStep({ title: 'List locked disks on the engine host', command: '/usr/share/ovirt-engine/setup/dbutils/unlock_entity.sh -t disk -q', changes: [] }),
      manualStep({
        title: 'Unlock this disk',
        command: `/usr/share/ovirt-engine/setup/dbutils/unlock_entity.sh -t disk ${op ? diskId(op) : '<disk-id>'}`,
        changes: [`disk ${op ? diskId(op) : '<disk-id>'}: LOCKED → OK`],
      }),
      {
        title: 'Check that the disk is unlocked',
        request: requestLine(REQUESTS.diskGet(op ? diskId(op) : '{disk}')),
        changes: [],
        precondition: 'the disk still exists',
        manual: false,
        async check({ adapter, operation }) {
          if (!operation) return 'there is no disk to check';
          return (await adapter.client.diskGet(diskId(operation))) ? null : `disk ${diskId(operation)} no longer exists`;
        },
        async run({ adapter, operation, refresh }) {
          if (!operation) throw new AppError('conflict', 'there is no disk to check');
          const d = await adapter.client.diskGet(diskId(operation));
          if (d?.status === 'locked') throw new AppError('conflict', `disk ${diskId(operation)} is still locked: run the unlock step on the engine host first`);
          await refresh();
          return `disk ${diskId(operation)} is ${d?.status ?? 'missing'}`;
        },
      },
    ],
  },
];
