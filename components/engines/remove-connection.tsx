'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { z } from 'zod';
import { apiFetch } from '@/lib/client/api';

/** Removes a connection that was added here. */
export function RemoveConnection({ id }: { id: string }) {
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: () => apiFetch(z.object({ removed: z.string() }), `/api/engines/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      toast.success(`Connection ${id} removed`);
      void qc.invalidateQueries({ queryKey: ['engines'] });
    },
    onError: (e) => toast.error('Not removed', { description: e.message }),
  });
  return (
    <button
      type="button"
      className="ml-auto text-xs text-rose-700 underline dark:text-rose-300"
      disabled={remove.isPending}
      onClick={() => remove.mutate()}
      aria-label={`Remove connection ${id}`}
    >
      remove
    </button>
  );
}
