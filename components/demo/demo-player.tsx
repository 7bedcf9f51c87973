'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { useCan } from '@/components/auth/use-session';
import { apiFetch, OperationDetail, ScenarioView, StageView } from '@/lib/client/api';
import { formatTime } from '@/lib/format/durations';
import { useStage } from './use-stage';

const Started = z.object({ operationId: z.string() });

/**
 * A presenter's stage: the simulators' storylines, grouped by engine, each
 * saying what to click next; a quiet stage that pauses the background mix;
 * starting one says what it started, with a link to open it.
 */
export function DemoPlayer() {
  const router = useRouter();
  const qc = useQueryClient();
  const can = useCan('admin');
  const stage = useStage();
  const quiet = useMutation({
    mutationFn: (on: boolean) =>
      apiFetch(StageView, '/api/demo/stage', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ quiet: on }) }),
    onSuccess: (s) => {
      qc.setQueryData(['stage'], s);
      void qc.invalidateQueries({ queryKey: ['operations'] });
      toast.success(s.quiet ? 'Quiet stage: the background mix is paused' : 'The background mix is back', {
        description: s.quiet ? 'Live now shows only what you start; what ran before is in History.' : 'Live shows every operation again.',
      });
    },
    onError: (e) => toast.error('Could not change the stage', { description: e.message }),
  });
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
    mutationFn: async (s: ScenarioView) => {
      const r = await apiFetch(Started, `/api/demo/scenarios/${s.id}/start`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ speed, ...(finalizeBy === 'scenario' ? {} : { finalizeBy }) }),
      });
      const { operation } = await apiFetch(OperationDetail, `/api/operations/${encodeURIComponent(r.operationId)}`);
      return { href: `/operations/${encodeURIComponent(r.operationId)}`, subject: operation.subject.name };
    },
    onSuccess: ({ href, subject }, s) =>
      toast.success(`Started: ${s.title}`, {
        description: `${subject} on ${s.engineLabel}. ${s.next}`,
        duration: 15_000,
        action: { label: 'Open', onClick: () => router.push(href) },
      }),
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
          role="switch"
          aria-checked={stage.data?.quiet ?? false}
          className="mr-2 rounded border border-violet-400 px-3 py-1 text-violet-900 hover:bg-violet-50 disabled:opacity-40 aria-checked:bg-violet-700 aria-checked:text-white dark:text-violet-200 dark:hover:bg-violet-950 dark:aria-checked:bg-violet-600"
          disabled={quiet.isPending || !can.allowed || !stage.data}
          title={can.reason}
          onClick={() => quiet.mutate(!stage.data?.quiet)}
        >
          Quiet stage
        </button>
        <span className="text-slate-600 dark:text-slate-400">
          {stage.data?.quiet && stage.data.since
            ? `on since ${formatTime(stage.data.since)}: no background operations start, and Live shows only what you start.`
            : 'pauses the background mix and clears Live of everything started before, for a demo from a clean board.'}
        </span>
      </p>
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
      {groupByEngine(scenarios.data?.scenarios ?? []).map(([engine, list]) => (
        <section key={engine} aria-labelledby={`storylines-${engine}`} className="space-y-2">
          <h2 id={`storylines-${engine}`} className="text-lg font-semibold">
            {list[0]!.engineLabel}
          </h2>
          <ul className="grid gap-3 md:grid-cols-2">
            {list.map((s) => (
              <li
                key={s.id}
                className="flex flex-col justify-between gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700"
                data-testid="scenario"
                data-scenario={s.id}
              >
                <div>
                  <h3 className="font-medium">{s.title}</h3>
                  <p className="text-sm text-slate-600 dark:text-slate-300">{s.description}</p>
                  <p className="mt-1 text-sm" data-testid="scenario-next">
                    <span className="font-medium">Next: </span>
                    {s.next}
                  </p>
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
                  onClick={() => start.mutate(s)}
                >
                  Start
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

/** The storylines of each engine together, in the order the engines came. */
function groupByEngine(list: readonly ScenarioView[]): [string, ScenarioView[]][] {
  const groups = new Map<string, ScenarioView[]>();
  for (const s of list) groups.set(s.engine, [...(groups.get(s.engine) ?? []), s]);
  return [...groups];
}
