'use client';

import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/client/api';
import { GanetiInventory } from '@/lib/engines/ganeti/forms';
import { MoveStartForm, type MoveKind } from '../move-start-form';
import type { StartFormProps } from '../start-form-props';

const KINDS: MoveKind[] = [
  {
    kind: 'live_migration',
    button: 'Migrate…',
    verb: 'Live migrate',
    confirm: 'Submit the migration',
    effect: 'The instance keeps running while Ganeti moves it; each line of the job log shows on its timeline.',
  },
  {
    kind: 'cold_migration',
    button: 'Non-live…',
    verb: 'Non-live migrate',
    confirm: 'Submit the migration',
    effect: 'Ganeti suspends the instance, moves its memory and resumes it on the target.',
  },
  {
    kind: 'failover',
    button: 'Fail over…',
    verb: 'Fail over',
    confirm: 'Submit the failover',
    effect: 'Ganeti shuts the instance down on its primary and starts it on the target: a restart, for when the primary cannot take part.',
  },
];

/** A cluster's instances with migrate, non-live migrate and fail over: to a node, or where the cluster's allocator chooses. */
export function GanetiStart({ connectionId, canStart }: StartFormProps) {
  const inv = useQuery({
    queryKey: ['inventory', connectionId],
    queryFn: () => apiFetch(GanetiInventory, `/api/engines/${connectionId}/inventory`),
    refetchInterval: 5000,
  });
  if (inv.error) return <p className="text-xs text-rose-700">{inv.error.message}</p>;
  return (
    <MoveStartForm
      connectionId={connectionId}
      canStart={canStart}
      blocked={null}
      kinds={KINDS}
      whereLabel="Primary node"
      targetLabel="Target node"
      anyTarget="the allocator's choice"
      rows={(inv.data?.instances ?? []).map((i) => ({
        id: i.name,
        name: i.name,
        where: i.primary,
        status: i.status,
        // a migration needs it running where the config says; a failover also moves one that is down
        can: { live_migration: i.status === 'running', cold_migration: i.status === 'running', failover: i.status === 'running' || i.status === 'ADMIN_down' },
      }))}
      targets={(inv.data?.nodes ?? []).map((n) => ({ name: n.name, note: n.offline ? 'offline' : n.drained ? 'drained' : null }))}
      body={(row, node) => ({ instance: row.name, node })}
    />
  );
}
