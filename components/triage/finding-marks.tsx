'use client';

import type { PlaybookRun } from '@/lib/model/playbook-run';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { useCan } from '@/components/auth/use-session';
import { apiFetch } from '@/lib/client/api';
import type { Finding } from '@/lib/model/finding';

const Marked = z.object({ finding: z.object({ id: z.string() }) });
const SNOOZE = [
  { minutes: 15, label: '15 min' },
  { minutes: 60, label: '1 h' },
  { minutes: 240, label: '4 h' },
  { minutes: 1440, label: '1 day' },
];

/** Claim, acknowledge, snooze, note, resolve — each with the note typed here. */
export function FindingMarks({ finding, lastRun }: { finding: Finding; lastRun?: PlaybookRun }) {
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const [minutes, setMinutes] = useState(60);
  const mark = useMutation({
    mutationFn: ({ verb, body }: { verb: string; body: Record<string, unknown> }) =>
      apiFetch(Marked, `/api/findings/${finding.id}/${verb}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    onSuccess: (_r, v) => {
      toast.success(`${v.verb} recorded`);
      setNote('');
      void qc.invalidateQueries({ queryKey: ['finding', finding.id] });
      void qc.invalidateQueries({ queryKey: ['findings'] });
    },
    onError: (e, v) => toast.error(`Could not ${v.verb}`, { description: e.message }),
  });
  const send = (verb: string, extra: Record<string, unknown> = {}) => mark.mutate({ verb, body: { note, ...extra } });
  const btn = 'rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50 disabled:opacity-40 dark:border-slate-600 dark:hover:bg-slate-800';
  const can = useCan('operator');
  const open = finding.status === 'open';
  if (!can.allowed) return <p className="text-sm text-slate-600 dark:text-slate-300">Claiming, notes and resolving {can.reason}.</p>;
  return (
    <div className="space-y-2">
      <label className="block text-sm">
        Note
        <textarea
          className="mt-1 block w-full rounded border border-slate-300 bg-white p-2 text-sm dark:border-slate-600 dark:bg-slate-900"
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="what you are doing, or how it was fixed"
        />
      </label>
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Finding marks">
        {open && !finding.claim && (
          <button type="button" className={btn} disabled={mark.isPending} onClick={() => send('claim')}>
            Claim
          </button>
        )}
        {open && finding.claim && (
          <button type="button" className={btn} disabled={mark.isPending} onClick={() => send('release')}>
            Release claim
          </button>
        )}
        {open && (
          <button type="button" className={btn} disabled={mark.isPending} onClick={() => send('acknowledge')}>
            Acknowledge
          </button>
        )}
        {open && (
          <span className="inline-flex items-center gap-1">
            <button type="button" className={btn} disabled={mark.isPending} onClick={() => send('snooze', { minutes })}>
              Snooze
            </button>
            <select
              aria-label="Snooze for"
              className="rounded border border-slate-300 bg-white px-1 py-1 text-sm dark:border-slate-600 dark:bg-slate-900"
              value={minutes}
              onChange={(e) => setMinutes(Number(e.target.value))}
            >
              {SNOOZE.map((s) => (
                <option key={s.minutes} value={s.minutes}>
                  {s.label}
                </option>
              ))}
            </select>
          </span>
        )}
        <button type="button" className={btn} disabled={mark.isPending || note.trim() === ''} onClick={() => send('note')}>
          Add note
        </button>
        {open && lastRun?.status === 'failed' && (
          <p className="basis-full text-sm font-medium text-amber-900 dark:text-amber-200" data-testid="resolve-after-failure">
            The last playbook run, “{lastRun.title}”, failed: {lastRun.message}. To mark this resolved anyway, say why in the note.
          </p>
        )}
        {open && (
          <button
            type="button"
            className={btn}
            disabled={mark.isPending || note.trim() === ''}
            onClick={() => send('resolve')}
            title="Say in the note how it was resolved"
          >
            Mark resolved
          </button>
        )}
      </div>
    </div>
  );
}
