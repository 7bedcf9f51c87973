'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { ConfirmDialog } from '@/components/common/confirm-dialog';
import { apiFetch } from '@/lib/client/api';
import type { StartFormProps } from './start-form-props';

const Started = z.object({ message: z.string(), warnings: z.array(z.string()), commands: z.array(z.string()) });

/** A way to move an instance (live migration, failover …): its button and what the dialog says it does. */
export interface MoveKind {
  kind: string;
  /** "Live migrate…" */
  button: string;
  /** "Live migrate" (the dialog's title, before the instance's name) */
  verb: string;
  /** the dialog's button: "Start the migration" */
  confirm: string;
  effect: string;
}

/** One instance as the table shows it; `can` says which kinds it may start now. */
export interface MoveRow {
  id: string;
  name: string;
  where: string | null;
  status: string;
  can: Record<string, boolean>;
}

/** A place it may go; `note` says why it may be a poor one (disabled, down). */
export interface MoveTarget {
  name: string;
  note: string | null;
}

const input = 'mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900';
const button = 'rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-40 dark:border-slate-600';

/**
 * An engine's instances with a button per way to move them, each asking
 * where to (one of the engine's hosts or nodes, or the engine's own choice)
 * before anything is sent. The engines' start forms fill it from their inventory.
 */
export function MoveStartForm(props: {
  connectionId: string;
  canStart: StartFormProps['canStart'];
  /** why nothing can be started with these credentials, when so */
  blocked: string | null;
  rows: readonly MoveRow[];
  targets: readonly MoveTarget[];
  kinds: readonly MoveKind[];
  /** the column of where each instance runs: "Host", "Primary node" */
  whereLabel: string;
  /** "Destination host", "Target node" */
  targetLabel: string;
  /** "the scheduler's choice", "the allocator's choice" */
  anyTarget: string;
  /** the start request's body */
  body: (row: MoveRow, target: string | null) => Record<string, unknown>;
}) {
  const [form, setForm] = useState<{ kind: MoveKind; row: MoveRow; target: string } | null>(null);
  const start = useMutation({
    mutationFn: (f: NonNullable<typeof form>) =>
      apiFetch(Started, `/api/engines/${props.connectionId}/start/${f.kind.kind}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(props.body(f.row, f.target || null)),
      }),
    onSuccess: (r) => {
      toast.success(r.message, { description: [...r.warnings, 'It shows on the board within seconds.'].join(' ') });
      setForm(null);
    },
    onError: (e) => toast.error('Not started', { description: e.message }),
  });
  const allowed = props.canStart.allowed && !props.blocked;
  const why = props.canStart.reason ?? props.blocked ?? undefined;
  return (
    <div className="mt-3 space-y-2">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="instances">
          <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
            <tr>
              <th>Instance</th>
              <th>{props.whereLabel}</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100 dark:border-slate-800" data-instance={r.name}>
                <td className="py-1 font-medium">{r.name}</td>
                <td className="py-1 text-xs">{r.where ?? '—'}</td>
                <td className="py-1 text-xs">{r.status}</td>
                <td className="space-x-1 py-1 text-right whitespace-nowrap">
                  {props.kinds.map((k) => (
                    <button
                      key={k.kind}
                      type="button"
                      className={button}
                      disabled={!allowed || !r.can[k.kind]}
                      title={why}
                      aria-label={`${k.verb} ${r.name}`}
                      onClick={() => setForm({ kind: k, row: r, target: '' })}
                    >
                      {k.button}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        busy={start.isPending}
        onClose={() => !start.isPending && setForm(null)}
        onConfirm={() => form && start.mutate(form)}
        action={
          form && {
            title: `${form.kind.verb} ${form.row.name}`,
            confirmLabel: form.kind.confirm,
            dangerous: false,
            effect: (
              <div className="space-y-2">
                <p>{form.kind.effect}</p>
                <label className="block">
                  {props.targetLabel}
                  <select className={input} value={form.target} onChange={(e) => setForm({ ...form, target: e.target.value })}>
                    <option value="">{props.anyTarget}</option>
                    {props.targets
                      .filter((t) => t.name !== form.row.where)
                      .map((t) => (
                        <option key={t.name} value={t.name}>
                          {t.name}
                          {t.note ? ` (${t.note})` : ''}
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
