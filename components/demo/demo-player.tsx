'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { useCan } from '@/components/auth/use-session';
import { apiFetch, ScenarioView } from '@/lib/client/api';

const Started = z.object({ operationId: z.string() });

/** Lists the simulator's scenarios; starting one opens its operation. */
export function DemoPlayer() {
  const router = useRouter();
  const can = useCan('admin');
  const [speed, setSpeed] = useState(1);
  // who finalizes once the data is sent: the scenario's own choice, the simulated client, or an operator here
  const [finalizeBy, setFinalizeBy] = useState<'scenario' | 'client' | 'operator'>('scenario');
  const outage = useMutation({
    mutationFn: () =>
      apiFetch(z.object({ until: z.string() }), '/api/demo/outage', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ seconds: 30 }),
      }),
    onSuccess: () =>
      toast.success('The simulated engines are down for 30 s', { description: 'Watch their connections degrade on Engines and the finding on Triage.' }),
    onError: (e) => toast.error('Could not start the outage', { description: e.message }),
  });
  const skip = useMutation({
    mutationFn: (seconds: number) =>
      apiFetch(z.object({ totalSkippedSeconds: z.number() }), '/api/demo/skip', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ seconds }),
      }),
    onSuccess: (r, seconds) =>
      toast.success(`The simulated engines moved ${seconds} s ahead`, {
        description: `${r.totalSkippedSeconds} s skipped so far; phaseboard's own clock did not move.`,
      }),
    onError: (e) => toast.error('Could not skip ahead', { description: e.message }),
  });
  const scenarios = useQuery({ queryKey: ['scenarios'], queryFn: () => apiFetch(z.object({ scenarios: z.array(ScenarioView) }), '/api/demo/scenarios') });
  const start = useMutation({
    mutationFn: (id: string) =>
      apiFetch(Started, `/api/demo/scenarios/${id}/start`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ speed, ...(finalizeBy === 'scenario' ? {} : { finalizeBy }) }),
      }),
    onSuccess: (r) => router.push(`/operations/${encodeURIComponent(r.operationId)}`),
    onError: (e) => toast.error('Could not start the scenario', { description: e.message }),
  });
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-xl font-semibold">Demo scenarios</h1>
        <div className="flex flex-wrap items-center gap-4">
          <label className="flex items-center gap-2 text-sm">
            Finalized by
            <select
              className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
              value={finalizeBy}
              onChange={(e) => setFinalizeBy(e.target.value as typeof finalizeBy)}
            >
              <option value="scenario">as the scenario says</option>
              <option value="client">the client (automatic)</option>
              <option value="operator">an operator, from phaseboard</option>
            </select>
          </label>
          <label className="flex items-center gap-2 text-sm">
            Speed
            <select
              className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
              value={speed}
              onChange={(e) => setSpeed(Number(e.target.value))}
            >
              {[0.5, 1, 2, 5, 10].map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <p className="text-sm">
        <button
          type="button"
          className="rounded border border-rose-400 px-3 py-1 text-rose-800 hover:bg-rose-50 disabled:opacity-40 dark:text-rose-300 dark:hover:bg-rose-950"
          disabled={outage.isPending || !can.allowed}
          title={can.reason}
          onClick={() => outage.mutate()}
        >
          Take the simulated engines down for 30 s
        </button>{' '}
        <span className="text-slate-600 dark:text-slate-400">every poll fails: the connection degrades and triage reports it; it recovers by itself.</span>
      </p>
      <p className="text-sm">
        {[30, 120].map((seconds) => (
          <button
            key={seconds}
            type="button"
            className="mr-2 rounded border border-slate-300 px-3 py-1 hover:bg-slate-50 disabled:opacity-40 dark:border-slate-600 dark:hover:bg-slate-800"
            disabled={skip.isPending || !can.allowed}
            title={can.reason}
            onClick={() => skip.mutate(seconds)}
          >
            Skip {seconds < 60 ? `${seconds} s` : `${seconds / 60} min`} ahead
          </button>
        ))}
        <span className="text-slate-600 dark:text-slate-400">
          the simulated engines move on at once (an idle upload reaches oVirt&apos;s inactivity pause); the board catches up.
        </span>
      </p>
      {!can.allowed && <p className="text-sm text-slate-600 dark:text-slate-300">Watching only: starting scenarios and the outage {can.reason}.</p>}
      {scenarios.error && <p role="alert">{scenarios.error.message}</p>}
      <ul className="grid gap-3 md:grid-cols-2">
        {scenarios.data?.scenarios.map((s) => (
          <li
            key={s.id}
            className="flex flex-col justify-between gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700"
            data-testid="scenario"
            data-scenario={s.id}
          >
            <div>
              <h2 className="font-medium">{s.title}</h2>
              <p className="text-sm text-slate-600 dark:text-slate-300">{s.description}</p>
              <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
                {s.engine} · {s.detail}
                {s.finalizeBy && ` · finalized by ${finalizeBy === 'scenario' ? s.finalizeBy : finalizeBy}`}
                {s.tags.map((t) => ` · ${t}`).join('')}
              </p>
            </div>
            <button
              type="button"
              className="self-start rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50"
              disabled={start.isPending || !can.allowed}
              title={can.reason}
              aria-label={`Start ${s.title}`}
              onClick={() => start.mutate(s.id)}
            >
              Start
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
