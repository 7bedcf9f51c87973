'use client';

import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { apiFetch } from '@/lib/client/api';
import type { ActionAvailability, Operation } from '@/lib/model/operation';
import { useCan } from '@/components/auth/use-session';
import { ConfirmDialog } from '@/components/common/confirm-dialog';

const ActionAccepted = z.object({ run: z.object({ id: z.string(), action: z.string() }), replayed: z.boolean() });

/** The actions possible now; disabled ones say why. Each asks first. */
export function ActionBar({ operation }: { operation: Operation }) {
  const [pending, setPending] = useState<ActionAvailability | null>(null);
  // what the last action came to: focus moves here when the dialog closes, not to <body>
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const resultRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);
  const can = useCan('operator');
  // A viewer sees the same buttons, all disabled, each saying why.
  const actions = can.allowed ? operation.actions : operation.actions.map((a) => ({ ...a, enabled: false, reason: a.enabled ? can.reason : a.reason }));
  // Values the pending action takes, as its engine describes them (a migration's new bandwidth).
  const [values, setValues] = useState<Record<string, string>>({});
  // One key per confirmation: a double click or a retried request acts once.
  const key = useRef<string>('');
  const mutation = useMutation({
    mutationFn: (a: ActionAvailability) =>
      apiFetch(ActionAccepted, `/api/operations/${encodeURIComponent(operation.id)}/actions/${a.name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key.current },
        body: JSON.stringify({
          ...(a.params?.length ? { params: Object.fromEntries(a.params.map((p) => [p.name, Number(values[p.name] ?? p.default)])) } : {}),
          // the dialog would not send it unless typed exactly
          ...(a.typedConfirmation ? { confirm: a.typedConfirmation } : {}),
        }),
      }),
    onSuccess: (r) => {
      toast.success(`${r.run.action} sent`, { description: 'Its progress shows in the timeline.' });
      setResult({ ok: true, text: `${r.run.action} sent; its progress shows in the timeline.` });
    },
    onError: (e) => {
      toast.error('Action refused', { description: e.message });
      setResult({ ok: false, text: `Refused: ${e.message}` });
    },
    onSettled: () => setPending(null),
  });
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2" role="group" aria-label="Actions">
        {actions.map((a) => (
          <button
            key={a.name}
            type="button"
            disabled={!a.enabled || mutation.isPending}
            title={a.enabled ? a.effect : a.reason}
            aria-describedby={a.enabled ? undefined : `why-${a.name}`}
            onClick={() => {
              key.current = crypto.randomUUID();
              setValues(Object.fromEntries((a.params ?? []).map((p) => [p.name, p.default === undefined ? '' : String(p.default)])));
              setPending(a);
            }}
            className={`rounded px-3 py-1.5 text-sm font-medium focus:outline-2 focus:outline-offset-2 focus:outline-sky-500 disabled:cursor-not-allowed disabled:opacity-40 ${
              a.dangerous ? 'bg-rose-700 text-white hover:bg-rose-800' : 'bg-sky-700 text-white hover:bg-sky-800'
            }`}
          >
            {a.label}
          </button>
        ))}
      </div>
      <ul className="text-xs text-slate-600 dark:text-slate-400">
        {actions
          .filter((a) => !a.enabled)
          .map((a) => (
            <li key={a.name} id={`why-${a.name}`}>
              {a.label}: {a.reason}
            </li>
          ))}
      </ul>
      <p
        ref={resultRef}
        tabIndex={-1}
        role="status"
        data-testid="action-result"
        className={`min-h-5 text-sm focus:outline-2 focus:outline-sky-500 ${result?.ok === false ? 'text-rose-700 dark:text-rose-300' : 'text-slate-700 dark:text-slate-200'}`}
      >
        {result?.text}
      </p>
      <ConfirmDialog
        action={
          pending && {
            title: `${pending.label} ${operation.subject.name}?`,
            effect: pending.params?.length ? (
              <>
                <p>{pending.effect}</p>
                {pending.params.map((p) => (
                  <label key={p.name} className="mt-2 block">
                    {p.label}
                    {p.unit && ` (${p.unit})`}
                    <input
                      type="number"
                      step={1}
                      min={p.min}
                      max={p.max}
                      required
                      value={values[p.name] ?? ''}
                      onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))}
                      className="ml-2 w-28 rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
                    />
                  </label>
                ))}
              </>
            ) : (
              pending.effect
            ),
            confirmLabel: `Yes, ${pending.label.toLowerCase()}`,
            dangerous: pending.dangerous,
            typed: pending.typedConfirmation,
          }
        }
        busy={mutation.isPending}
        onClose={() => !mutation.isPending && setPending(null)}
        onConfirm={() => pending && mutation.mutate(pending)}
      />
    </div>
  );
}
