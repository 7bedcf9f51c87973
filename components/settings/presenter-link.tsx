'use client';

import { useMutation } from '@tanstack/react-query';
import { toast } from 'sonner';
import { z } from 'zod';
import { apiFetch } from '@/lib/client/api';
import { LoginLinkBox } from './login-link-box';

/** A one-time link to a read-only (viewer) session, for a screen in a meeting room or a demo. */
export function PresenterLink() {
  const make = useMutation({
    mutationFn: () =>
      apiFetch(z.object({ path: z.string(), expiresAt: z.string() }), '/api/presenter-link', { method: 'POST', body: JSON.stringify({ minutes: 240 }) }),
    onError: (e) => toast.error('No link made', { description: e.message }),
  });
  return (
    <section className="space-y-3" aria-labelledby="presenter-title">
      <h2 id="presenter-title" className="text-lg font-semibold">
        Presenter link
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Opens phaseboard read-only as the viewer <code>presenter</code>: the board, the demo page and triage are all visible, and nothing can be changed from
        it.
      </p>
      <button
        type="button"
        onClick={() => make.mutate()}
        disabled={make.isPending}
        className="rounded border border-slate-400 px-3 py-1.5 text-sm hover:bg-slate-50 dark:hover:bg-slate-900"
      >
        Make a presenter link (4 h)
      </button>
      {make.data && <LoginLinkBox path={make.data.path} expiresAt={make.data.expiresAt} who="presenter (viewer)" />}
    </section>
  );
}
