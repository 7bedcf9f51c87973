'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { z } from 'zod';
import { useCan } from '@/components/auth/use-session';
import { apiFetch } from '@/lib/client/api';

const Marked = z.object({ finding: z.object({ id: z.string() }) }).loose();

/**
 * Acknowledge or snooze many findings at once (a flood from one incident).
 * Each is its own audited mark; the first refusal is said, the rest still go.
 */
export function BulkBar({ selected, onDone }: { selected: string[]; onDone: () => void }) {
  const qc = useQueryClient();
  const can = useCan('operator');
  const mark = useMutation({
    mutationFn: async ({ verb, body }: { verb: 'acknowledge' | 'snooze'; body: Record<string, unknown> }) => {
      const results = await Promise.allSettled(
        selected.map((id) =>
          apiFetch(Marked, `/api/findings/${encodeURIComponent(id)}/${verb}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }),
        ),
      );
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
      return { verb, done: results.length - refused.length, refused };
    },
    onSuccess: ({ verb, done, refused }) => {
      if (refused.length === 0) toast.success(`${verb}: ${done} finding${done === 1 ? '' : 's'}`);
      else toast.error(`${verb}: ${done} done, ${refused.length} refused`, { description: refused[0] });
      onDone();
      void qc.invalidateQueries({ queryKey: ['findings'] });
    },
  });
  const n = selected.length;
  const btn = 'rounded border border-slate-300 px-2 py-1 text-sm disabled:opacity-40 dark:border-slate-600';
  return (
    <div className="flex min-h-8 flex-wrap items-center gap-2 text-sm" role="group" aria-label="With the selected findings">
      <span className="text-slate-600 dark:text-slate-400" data-testid="selected-count">
        {n} selected
      </span>
      <button
        type="button"
        className={btn}
        disabled={n === 0 || !can.allowed || mark.isPending}
        title={can.reason}
        onClick={() => mark.mutate({ verb: 'acknowledge', body: {} })}
      >
        Acknowledge
      </button>
      <button
        type="button"
        className={btn}
        disabled={n === 0 || !can.allowed || mark.isPending}
        title={can.reason}
        onClick={() => mark.mutate({ verb: 'snooze', body: { minutes: 60 } })}
      >
        Snooze 1 h
      </button>
    </div>
  );
}
