import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { Operation } from '@/lib/model/operation';
import type { Playbook, PlannedStep } from '@/lib/triage/playbook';
import { actionStep, manualStep } from '@/lib/triage/steps';
import { actionRequest } from '../actions';
import type { OpenStackAdapter } from '../adapter';
import { REQUESTS, requestLine } from '../client';

/**
 * The safe ways out of what the rules find. Every request a dry run names
 * is built by the client's own REQUESTS: what the plan says is what is sent.
 */

const server = (op: Operation | null) => op?.subject.id ?? '{server}';
const migrationId = (op: Operation | null) => String(op?.details.migrationId ?? '{id}');
const sent = (action: string, op: Operation | null) => {
  const r = op ? actionRequest(action, op) : null;
  return r ? requestLine(r.request) : `${action} {server} {migration}`;
};

const readStep = (op: Operation | null): PlannedStep<OpenStackAdapter> => ({
  title: 'Read the migration record and the instance from Nova',
  request: `${requestLine(REQUESTS.migrations({ instance_uuid: server(op) }))} · ${requestLine(REQUESTS.server(server(op)))}`,
  changes: [],
  precondition: 'none (read-only)',
  manual: false,
  check: async () => null,
  async run({ adapter, operation, refresh }) {
    if (!operation) throw new AppError('conflict', 'there is no migration to read');
    const fresh = await adapter.getOperation(operation.nativeId);
    const s = await adapter.client.server(operation.subject.id);
    await refresh();
    const task = s ? (s['OS-EXT-STS:task_state'] ?? 'none') : null;
    return `record ${fresh ? `is ${fresh.nativePhase}` : 'is gone'}; instance ${s ? `is ${s.status}, task ${task}, on ${s['OS-EXT-SRV-ATTR:host'] ?? '?'}` : 'is deleted'}`;
  },
});

export const OPENSTACK_PLAYBOOKS: readonly Playbook<OpenStackAdapter>[] = [
  {
    id: 'openstack.reset-state',
    title: 'Reset the instance state',
    description: 'Clears a task nothing works on (os-resetState); a delete that never ended is then sent again.',
    plan: (_f, op) => {
      const deleting = op?.nativePhase === 'deleting';
      return [
        actionStep({
          action: 'reset_state',
          title: deleting ? 'Reset the instance to error' : 'Reset the instance to active',
          request: sent('reset_state', op),
          changes: [`instance ${op?.subject.name ?? server(op)}: task ${op?.nativePhase ?? '?'} cleared, ${deleting ? 'ERROR' : 'ACTIVE'}`],
        }),
        deleting
          ? manualStep({
              title: 'Delete the instance again, now that the bus is up',
              command: `openstack server delete ${server(op)}`,
              changes: [`instance ${op?.subject.name ?? server(op)}: deleted`],
            })
          : manualStep({
              title: 'Check the guest runs where Nova says',
              command: `openstack server show ${server(op)} -c OS-EXT-SRV-ATTR:host   # then: virsh list on that host`,
              changes: [],
            }),
      ];
    },
  },
  {
    id: 'openstack.delete-attachment',
    title: 'Delete the attachment',
    description: 'Deletes an attachment that never completed, so the volume is free again. Cinder refuses (service-token rule) if an instance still uses it.',
    plan: (_f, op) => [
      actionStep({
        action: 'delete_attachment',
        title: 'Delete the attachment',
        request: sent('delete_attachment', op),
        changes: [`attachment ${String(op?.details.attachmentId ?? '?')}: deleted`, `volume ${op?.subject.name ?? '?'}: available if nothing else holds it`],
      }),
    ],
  },
  {
    id: 'openstack.reset-volume',
    title: 'Reset the volume status',
    description:
      "Sets the volume available and detached in Cinder's database (admin). Cinder's limits: it drops the attachment records but detaches nothing on a host; only for a volume no instance uses.",
    plan: (_f, op) => [
      manualStep({
        title: 'Check that no instance uses the volume',
        command: `openstack volume show ${op?.subject.id ?? '<volume>'} -c attachments -c status   # and on the host: no /dev/disk/by-path entry for it`,
        changes: [],
      }),
      actionStep({
        action: 'reset_volume',
        title: 'Reset the volume to available',
        request: sent('reset_volume', op),
        changes: [`volume ${op?.subject.name ?? '?'}: ${String(op?.details.volumeStatus ?? '?')} → available`],
      }),
    ],
  },
  {
    id: 'openstack.recheck-migration',
    title: 'Read the record and the instance again',
    observesOnly: true,
    description: 'Read-only: asks Nova for the migration record and the instance now.',
    plan: (_f, op) => [readStep(op)],
  },
  {
    id: 'openstack.close-stale-record',
    title: 'Close a left-over migration record',
    description:
      "Nova has no API that ends a migration record. After checking where the instance runs, the record is marked error in Nova's cell database, as operators do; nothing else changes.",
    plan: (_f, op) => [
      readStep(op),
      manualStep({
        title: 'Check the instance runs where Nova says, on that host',
        command: `openstack server show ${server(op)} -c OS-EXT-SRV-ATTR:host -c status -c OS-EXT-STS:task_state   # then: virsh list --all on that host`,
        changes: [],
      }),
      manualStep({
        title: "Mark the record error in the cell's database",
        command: `mysql nova -e "UPDATE migrations SET status='error', updated_at=NOW() WHERE id=${migrationId(op)} AND instance_uuid='${server(op)}' AND deleted=0"`,
        changes: [`Nova migration ${migrationId(op)}: ${op?.nativePhase ?? 'in progress'} → error`],
      }),
      readStep(op),
    ],
  },
  {
    id: 'openstack.confirm',
    title: 'Confirm the move',
    description: 'Keeps the instance where it runs now and frees the source host.',
    plan: (_f, op) => [
      actionStep({
        action: 'confirm',
        title: 'Confirm',
        request: sent('confirm', op),
        changes: [`instance ${op?.subject.name ?? server(op)}: stays on ${String(op?.details.destinationHost ?? 'the destination')}`],
      }),
    ],
  },
  {
    id: 'openstack.revert',
    title: 'Revert the move',
    description: 'Moves the instance back to its source host (and old flavor); the guest restarts there.',
    plan: (_f, op) => [
      actionStep({
        action: 'revert',
        title: 'Revert',
        request: sent('revert', op),
        changes: [`instance ${op?.subject.name ?? server(op)}: back on ${String(op?.details.sourceHost ?? 'the source')}`],
      }),
    ],
  },
];
