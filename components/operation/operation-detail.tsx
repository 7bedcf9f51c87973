'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useNow } from '@/components/common/use-now';
import { PhaseBadge } from '@/components/common/state-badge';
import { ProgressBar } from '@/components/common/progress-bar';
import { apiFetch, OperationDetail as DetailSchema } from '@/lib/client/api';
import { formatAbsolute, formatDuration, formatTime, tookLine } from '@/lib/format/durations';
import { kindLabel, type Operation } from '@/lib/model/operation';
import { BackToBoard } from '@/components/common/back-to-board';
import { RelativeTime } from '@/components/common/relative-time';
import { requestedByLabel } from '@/lib/model/action-run';
import { WatchButton } from '@/components/notify/watch-button';
import { OperationFindings } from '@/components/triage/operation-findings';
import { ActionBar } from './action-bar';
import { DetailsList } from './details-list';
import { useDetailFields } from './use-detail-fields';
import { Timeline } from './timeline';
import { Convergence } from './convergence';
import { RateChart } from './rate-chart';
import { useEngineHealth } from '@/components/engines/use-engine-health';
import { NeedsYouBadge } from './needs-you';
import { PipelineSteps } from './pipeline-steps';

export function OperationDetail({ id }: { id: string }) {
  const now = useNow(1000);
  const q = useQuery({ queryKey: ['operation', id], queryFn: () => apiFetch(DetailSchema, `/api/operations/${encodeURIComponent(id)}`) });
  const fieldsOf = useDetailFields();
  const { isStale } = useEngineHealth();
  if (q.error) {
    return (
      <p role="alert" className="text-rose-700 dark:text-rose-300">
        {q.error.message}. <BackToBoard className="underline">Back to the board</BackToBoard>
      </p>
    );
  }
  if (!q.data)
    return (
      <p className="text-slate-600 dark:text-slate-300">
        <title>Operation · phaseboard</title>
        Loading…
      </p>
    );
  const { operation: op, timeline, actionRuns, attempts, watch } = q.data;
  const route = routeOf(op);
  const outcomeTone =
    op.state === 'failed'
      ? 'border-rose-300 bg-rose-50 dark:border-rose-800 dark:bg-rose-950'
      : 'border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950';
  return (
    <article className="space-y-6">
      <header className="space-y-2">
        <title>{`${op.subject.name} · ${kindLabel(op.kind)} · phaseboard`}</title>
        <BackToBoard />
        <h1 className="text-xl font-semibold" data-testid="subject-name">
          {op.subject.name}
        </h1>
        {route && (
          <p className="text-sm font-medium" data-testid="route">
            {route}
          </p>
        )}
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <PhaseBadge phase={op.nativePhase} state={op.state} />
          <NeedsYouBadge needsYou={op.needsYou} />
          <span className="text-slate-600 dark:text-slate-400">
            {kindLabel(op.kind)} on {op.connectionId}
            {op.kind === 'live_migration' && (
              // where it goes: known when phaseboard started it, as libvirt does not report it
              <span data-testid="migration-route">
                {' '}
                ({op.connectionId} → {typeof op.details.destination === 'string' ? op.details.destination : 'destination not reported by the engine'})
              </span>
            )}{' '}
            · started <RelativeTime iso={op.startedAt} /> ·{' '}
            {op.endedAt ? tookLine(op.startedAt, op.endedAt) : `in phase for ${formatDuration(now - Date.parse(op.phaseChangedAt))}`}
          </span>
          {op.gone && <span className="rounded bg-slate-200 px-1.5 text-xs dark:bg-slate-700">removed by the engine</span>}
          <WatchButton operationId={op.id} watched={watch !== null} />
          <a
            href={`/api/operations/${encodeURIComponent(op.id)}/bundle`}
            download
            className="ml-auto text-sm text-sky-700 hover:underline dark:text-sky-300"
            title="Operation, timeline, findings, action and playbook runs, versions, config without secrets"
          >
            Download support bundle
          </a>
        </div>
      </header>
      {op.outcome && (
        <p className={`rounded border p-3 text-sm ${outcomeTone}`} data-testid="outcome" role="status">
          {op.outcome}
        </p>
      )}
      {attempts.length > 1 && (
        <nav aria-label="Attempts" className="text-sm">
          <span className="text-slate-600 dark:text-slate-400" data-testid="attempt-of">
            Attempt {op.attempt} of {attempts.length}:{' '}
          </span>
          <ol className="inline-flex flex-wrap gap-3" data-testid="attempts">
            {attempts.map((a) => (
              <li key={a.id}>
                {a.id === op.id ? (
                  <strong aria-current="page">
                    #{a.attempt} {a.nativePhase}
                  </strong>
                ) : (
                  <Link href={`/operations/${encodeURIComponent(a.id)}`} className="text-sky-700 hover:underline dark:text-sky-300">
                    #{a.attempt} {a.nativePhase} ({a.state})
                  </Link>
                )}
              </li>
            ))}
          </ol>
        </nav>
      )}
      <PipelineSteps steps={op.pipeline} />
      <section aria-label="Progress" className="space-y-2">
        <ProgressBar progress={op.progress} state={op.state} stale={isStale(op.connectionId) && !op.endedAt} />
        {op.kind === 'live_migration' && <Convergence op={op} />}
        <RateChart op={op} />
      </section>
      <section className="grid gap-6 md:grid-cols-2">
        <div className="space-y-2">
          <h2 className="font-semibold">Actions</h2>
          <ActionBar operation={op} />
        </div>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" aria-label="Details">
          <dt className="text-slate-600 first-letter:uppercase dark:text-slate-400">{op.subject.type} id</dt>
          <dd className="font-mono text-xs break-all">{op.subject.id}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Engine&apos;s id</dt>
          <dd className="font-mono text-xs break-all">{op.nativeId}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Started</dt>
          <dd>{formatAbsolute(op.startedAt)}</dd>
          <DetailsList op={op} fields={fieldsOf(op.engine, op.kind)} />
        </dl>
      </section>
      {/* below the actions: a finding that appears never moves the buttons */}
      <OperationFindings operationId={op.id} />
      <section className="space-y-2">
        <h2 className="font-semibold">Timeline</h2>
        <Timeline events={timeline} now={now} />
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold">Action runs</h2>
        {actionRuns.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No action was run on this operation.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="action-runs">
              <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
                <tr>
                  <th>When</th>
                  <th>Who</th>
                  <th>What</th>
                  <th>Result</th>
                </tr>
              </thead>
              <tbody>
                {actionRuns.map((r) => (
                  <tr key={r.id} className="border-t border-slate-100 dark:border-slate-800">
                    <td className="tabular-nums">{formatTime(r.requestedAt)}</td>
                    <td>{requestedByLabel(r)}</td>
                    <td>{r.action}</td>
                    <td>
                      {r.status}
                      {r.message ? ` — ${r.message}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}

/** "host1 → host2" for a migration (or anything with a source and a destination), from what the engine relates. */
function routeOf(op: Operation): string | null {
  const name = (r: Operation['related'][number] | undefined) => (r ? (r.name ?? r.id) : null);
  const from = name(op.related.find((r) => /^source/.test(r.role)));
  const to = name(op.related.find((r) => /^destination/.test(r.role)));
  if (!from && !to) return null;
  return `${from ?? op.connectionId} → ${to ?? 'destination not reported by the engine'}`;
}
