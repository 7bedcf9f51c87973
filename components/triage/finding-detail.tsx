'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { RelativeTime } from '@/components/common/relative-time';
import { PhaseBadge } from '@/components/common/state-badge';
import { apiFetch, FindingDetail as DetailSchema } from '@/lib/client/api';
import { formatDuration, formatTime } from '@/lib/format/durations';
import { actorLabel } from '@/lib/model/actor';
import { useNow } from '@/components/common/use-now';
import { DetailsList } from '@/components/operation/details-list';
import { useDetailFields } from '@/components/operation/use-detail-fields';
import { FindingMarks } from './finding-marks';
import { PlaybookRunView } from './playbook-run-view';
import { Remedies } from './remedies';
import { SeverityBadge } from './severity-badge';

/** One finding: what is wrong, the evidence, what is safe to do, and who is on it. */
export function FindingDetail({ id }: { id: string }) {
  const now = useNow(1000);
  const q = useQuery({ queryKey: ['finding', id], queryFn: () => apiFetch(DetailSchema, `/api/findings/${encodeURIComponent(id)}`) });
  const fieldsOf = useDetailFields();
  if (q.error) {
    return (
      <p role="alert" className="text-rose-700 dark:text-rose-300">
        {q.error.message}.{' '}
        <Link href="/triage" className="underline">
          Back to triage
        </Link>
      </p>
    );
  }
  if (!q.data)
    return (
      <p className="text-slate-600 dark:text-slate-300">
        <title>Finding · phaseboard</title>
        Loading…
      </p>
    );
  const { finding: f, notes, playbookRuns, operation, incident } = q.data;
  return (
    <article className="space-y-6">
      <header className="space-y-2">
        <title>{`${f.title} · Triage · phaseboard`}</title>
        <Link href="/triage" className="text-sm text-sky-700 hover:underline dark:text-sky-300">
          ← Triage
        </Link>
        <div className="flex flex-wrap items-center gap-3">
          <SeverityBadge severity={f.severity} />
          <h1 className="text-xl font-semibold" data-testid="finding-title">
            {f.title}
          </h1>
        </div>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          <span data-testid="finding-status">{f.status}</span> · since <RelativeTime iso={f.since} />
          {f.status === 'open' && ` (${formatDuration(now - Date.parse(f.since))})`} · {f.connectionId}
          {f.claim && (
            <>
              {' '}
              · <span data-testid="finding-claim">claimed by {actorLabel(f.claim.by)}</span>
            </>
          )}
          {f.acknowledged && <> · acknowledged by {actorLabel(f.acknowledged.by)}</>}
          {f.snoozedUntil && Date.parse(f.snoozedUntil) > now && <> · snoozed until {formatTime(f.snoozedUntil)}</>}
        </p>
        {operation && (
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <Link
              href={`/operations/${encodeURIComponent(operation.id)}`}
              className="text-sky-700 hover:underline dark:text-sky-300"
              data-testid="finding-operation"
            >
              {operation.subject.name}
            </Link>
            <PhaseBadge phase={operation.nativePhase} state={operation.state} />
          </p>
        )}
      </header>
      {f.status === 'resolved' && (
        <p
          className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950"
          role="status"
          data-testid="finding-resolution"
        >
          Resolved {f.resolvedAt ? formatTime(f.resolvedAt) : ''}: {f.resolution}
        </p>
      )}
      {incident.length > 1 && (
        <nav aria-labelledby="incident-title" className="space-y-1 text-sm" data-testid="incident">
          <h2 id="incident-title" className="font-semibold">
            One incident, {incident.length} findings
          </h2>
          <ol className="flex flex-wrap items-center gap-x-2 gap-y-1">
            {incident.map((step, i) => (
              <li key={step.id} className="flex items-center gap-2" data-testid="incident-step" data-status={step.status}>
                {i > 0 && <span aria-hidden>→</span>}
                {step.id === f.id ? (
                  <span className="font-medium" aria-current="step">
                    {step.title}
                  </span>
                ) : (
                  <Link href={`/triage/${encodeURIComponent(step.id)}`} className="text-sky-700 hover:underline dark:text-sky-300">
                    {step.title}
                  </Link>
                )}
                <span className="text-xs text-slate-600 dark:text-slate-400">({step.status})</span>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <section className="grid gap-6 md:grid-cols-2">
        <div className="space-y-3">
          <h2 className="font-semibold">What is wrong</h2>
          <p data-testid="finding-explanation">{f.explanation}</p>
          <h2 className="font-semibold">Likely cause</h2>
          <p data-testid="finding-cause">{f.cause}</p>
        </div>
        <div className="space-y-2">
          <h2 className="font-semibold">Evidence</h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="evidence">
            {f.evidence.map((e, i) => (
              <div key={i} className="contents">
                <dt className="text-slate-600 dark:text-slate-400">{e.label}</dt>
                <dd>
                  {e.value}
                  {e.at && <span className="text-xs text-slate-600 dark:text-slate-400"> ({formatTime(e.at)})</span>}
                </dd>
              </div>
            ))}
          </dl>
          {operation && (
            <>
              <h2 className="font-semibold">The operation now</h2>
              <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" aria-label="Operation details">
                <DetailsList op={operation} fields={fieldsOf(operation.engine, operation.kind)} />
              </dl>
            </>
          )}
        </div>
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold">Safe remediations</h2>
        <Remedies detail={q.data} />
      </section>
      {playbookRuns.length > 0 && (
        <section className="space-y-2" aria-label="Playbook runs">
          <h2 className="font-semibold">Playbook runs</h2>
          {playbookRuns.map((r) => (
            <PlaybookRunView key={r.id} run={r} />
          ))}
        </section>
      )}
      <section className="space-y-2">
        <h2 className="font-semibold">Who is on it</h2>
        <FindingMarks finding={f} lastRun={playbookRuns[0]} />
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold">Journal</h2>
        <ol className="space-y-1 text-sm" data-testid="journal">
          {notes.map((n, i) => (
            <li key={i}>
              <span className="tabular-nums text-slate-600 dark:text-slate-400">{formatTime(n.at)}</span> <strong>{actorLabel(n.by)}</strong> {n.kind}
              {n.text ? `: ${n.text}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
