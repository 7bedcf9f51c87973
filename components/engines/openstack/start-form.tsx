'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { ConfirmDialog } from '@/components/common/confirm-dialog';
import { apiFetch } from '@/lib/client/api';
import { OpenStackInventory } from '@/lib/engines/openstack/forms';
import type { StartFormProps } from '../start-form-props';

const Started = z.object({ message: z.string(), warnings: z.array(z.string()), commands: z.array(z.string()) });

interface Form {
  kind: 'live_migration' | 'cold_migration';
  instance: { id: string; name: string; host: string | null };
  /** '' leaves it to the scheduler */
  host: string;
}

const input = 'mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900';
const button = 'rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-40 dark:border-slate-600';

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
  const [form, setForm] = useState<Form | null>(null);
  const start = useMutation({
    mutationFn: (f: Form) =>
      apiFetch(Started, `/api/engines/${connectionId}/start/${f.kind}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ instance: f.instance.id, host: f.host || null }),
      }),
    onSuccess: (r) => {
      toast.success(r.message, { description: [...r.warnings, 'It shows on the board within seconds.'].join(' ') });
      setForm(null);
    },
    onError: (e) => toast.error('Not started', { description: e.message }),
  });
  if (inv.error) return <p className="text-xs text-rose-700">{inv.error.message}</p>;
  const blocked = inv.data?.blocked ?? null;
  const allowed = canStart.allowed && !blocked;
  const why = canStart.reason ?? blocked ?? undefined;
  const hosts = inv.data?.hosts ?? [];
  return (
    <div className="mt-3 space-y-2">
      {blocked && (
        <p className="text-xs text-amber-800 dark:text-amber-200">
          Migrations are neither listed nor started with these credentials: {blocked}. Volume attachments and instance tasks of their project still show.
        </p>
      )}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="instances">
          <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
            <tr>
              <th>Instance</th>
              <th>Host</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {inv.data?.instances.map((i) => {
              // Nova live-migrates a running instance; a cold migration also moves a stopped one
              const liveOk = i.taskState === null && i.status === 'ACTIVE';
              const coldOk = i.taskState === null && (i.status === 'ACTIVE' || i.status === 'SHUTOFF');
              const open = (kind: Form['kind']) => setForm({ kind, instance: i, host: '' });
              return (
                <tr key={i.id} className="border-t border-slate-100 dark:border-slate-800" data-instance={i.name}>
                  <td className="py-1 font-medium">{i.name}</td>
                  <td className="py-1 text-xs">{i.host ?? '—'}</td>
                  <td className="py-1 text-xs">
                    {i.status}
                    {i.taskState ? ` (${i.taskState})` : ''}
                  </td>
                  <td className="space-x-1 py-1 text-right">
                    <button
                      type="button"
                      className={button}
                      disabled={!allowed || !liveOk}
                      title={why}
                      aria-label={`Live migrate ${i.name}`}
                      onClick={() => open('live_migration')}
                    >
                      Live migrate…
                    </button>
                    <button
                      type="button"
                      className={button}
                      disabled={!allowed || !coldOk}
                      title={why}
                      aria-label={`Cold migrate ${i.name}`}
                      onClick={() => open('cold_migration')}
                    >
                      Cold migrate…
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        busy={start.isPending}
        onClose={() => !start.isPending && setForm(null)}
        onConfirm={() => form && start.mutate(form)}
        action={
          form && {
            title: `${form.kind === 'live_migration' ? 'Live migrate' : 'Cold migrate'} ${form.instance.name}`,
            confirmLabel: 'Start the migration',
            dangerous: false,
            effect: (
              <div className="space-y-2">
                <p>
                  {form.kind === 'live_migration'
                    ? 'The instance keeps running while its memory is copied; the migration shows its bytes, rate and ETA, and can be force-completed or aborted.'
                    : 'The instance stops, moves, and starts on the destination; it then waits for your confirm (or revert).'}
                </p>
                <label className="block">
                  Destination host
                  <select className={input} value={form.host} onChange={(e) => setForm({ ...form, host: e.target.value })}>
                    <option value="">the scheduler&apos;s choice</option>
                    {hosts
                      .filter((h) => h.name !== form.instance.host)
                      .map((h) => (
                        <option key={h.name} value={h.name}>
                          {h.name}
                          {!h.enabled ? ` (disabled${h.reason ? `: ${h.reason}` : ''})` : !h.up ? ' (down)' : ''}
                        </option>
                      ))}
                  </select>
                </label>
              </div>
            ),
          }
        }
      />
    </div>
  );
}
