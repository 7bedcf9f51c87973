'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { z } from 'zod';
import { apiFetch } from '@/lib/client/api';

const Checked = z.object({ id: z.string(), status: z.string(), lastError: z.string().nullable() });

/** Polls the connection now (and lets triage look) instead of waiting for the next cycle. */
export function CheckNow({ id, can }: { id: string; can: { allowed: boolean; reason?: string } }) {
  const qc = useQueryClient();
  const check = useMutation({
    mutationFn: () => apiFetch(Checked, `/api/engines/${encodeURIComponent(id)}/refresh`, { method: 'POST' }),
    onSuccess: (r) => {
      void qc.invalidateQueries();
      if (r.lastError) toast.error(`${id} did not answer`, { description: r.lastError });
      else toast.success(`${id} checked`, { description: 'operations and findings are up to date' });
    },
    onError: (e) => toast.error(`Could not check ${id}`, { description: e.message }),
  });
  return (
    <button
      type="button"
      className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-40 dark:border-slate-600 dark:hover:bg-slate-800"
      disabled={check.isPending || !can.allowed}
      title={can.reason}
      onClick={() => check.mutate()}
    >
      {check.isPending ? 'Checking…' : 'Check now'}
    </button>
  );
}
