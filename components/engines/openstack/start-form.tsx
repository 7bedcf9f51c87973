'use client';

import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/client/api';
import { OpenStackInventory } from '@/lib/engines/openstack/forms';
import { MoveStartForm, type MoveKind } from '../move-start-form';
import type { StartFormProps } from '../start-form-props';

const KINDS: MoveKind[] = [
  {
    kind: 'live_migration',
    button: 'Live migrate…',
    verb: 'Live migrate',
    confirm: 'Start the migration',
    effect: 'The instance keeps running while its memory is copied; the migration shows its bytes, rate and ETA, and can be force-completed or aborted.',
  },
  {
    kind: 'cold_migration',
    button: 'Cold migrate…',
    verb: 'Cold migrate',
    confirm: 'Start the migration',
    effect: 'The instance stops, moves, and starts on the destination; it then waits for your confirm (or revert).',
  },
];

/**
 * A cloud's instances with "live migrate" and "cold migrate": to a compute
 * host the cloud lists (disabled ones are named as such), or wherever
 * Nova's scheduler chooses.
 */
export function OpenStackStart({ connectionId, canStart }: StartFormProps) {
  const inv = useQuery({
    queryKey: ['inventory', connectionId],
    queryFn: () => apiFetch(OpenStackInventory, `/api/engines/${connectionId}/inventory`),
    refetchInterval: 5000,
  });
  if (inv.error) return <p className="text-xs text-rose-700">{inv.error.message}</p>;
  const blocked = inv.data?.blocked ?? null;
  return (
    <>
      {blocked && (
        <p className="mt-3 text-xs text-amber-800 dark:text-amber-200">
          Migrations are neither listed nor started with these credentials: {blocked}. Volume attachments and instance tasks of their project still show.
        </p>
      )}
      <MoveStartForm
        connectionId={connectionId}
        canStart={canStart}
        blocked={blocked}
        kinds={KINDS}
        whereLabel="Host"
        targetLabel="Destination host"
        anyTarget="the scheduler's choice"
        rows={(inv.data?.instances ?? []).map((i) => ({
          id: i.id,
          name: i.name,
          where: i.host,
          status: `${i.status}${i.taskState ? ` (${i.taskState})` : ''}`,
          // Nova live-migrates a running instance; a cold migration also moves a stopped one
          can: {
            live_migration: i.taskState === null && i.status === 'ACTIVE',
            cold_migration: i.taskState === null && (i.status === 'ACTIVE' || i.status === 'SHUTOFF'),
          },
        }))}
        targets={(inv.data?.hosts ?? []).map((h) => ({
          name: h.name,
          note: !h.enabled ? `disabled${h.reason ? `: ${h.reason}` : ''}` : !h.up ? 'down' : null,
        }))}
        body={(row, host) => ({ instance: row.id, host })}
      />
    </>
  );
}
