'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { z } from 'zod';
import { useCan } from '@/components/auth/use-session';
import { apiFetch } from '@/lib/client/api';

/** Watch an operation: be told (browser, webhook) if it fails. */
export function WatchButton({ operationId, watched }: { operationId: string; watched: boolean }) {
  const qc = useQueryClient();
  const can = useCan('operator');
  const m = useMutation({
    mutationFn: (on: boolean) =>
      apiFetch(z.object({ watch: z.unknown() }), `/api/operations/${encodeURIComponent(operationId)}/watch`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ watched: on }),
      }),
    onSuccess: (_r, on) => {
      toast.success(on ? 'Watching: you will be told if it fails' : 'No longer watching');
      void qc.invalidateQueries({ queryKey: ['operation', operationId] });
      void qc.invalidateQueries({ queryKey: ['notifications'] });
    },
    onError: (e) => toast.error('Could not change the watch', { description: e.message }),
  });
  return (
    <button
      type="button"
      aria-pressed={watched}
      disabled={m.isPending || !can.allowed}
      title={can.reason}
      onClick={() => m.mutate(!watched)}
      className="rounded border border-slate-300 px-2 py-0.5 text-sm aria-pressed:border-amber-500 aria-pressed:bg-amber-50 dark:border-slate-600 dark:aria-pressed:bg-amber-950"
    >
      {watched ? '★ Watching' : '☆ Watch'}
    </button>
  );
}
