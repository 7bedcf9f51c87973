'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useNow } from '@/components/common/use-now';
import { apiFetch, FindingPage } from '@/lib/client/api';
import { formatDuration, formatTime } from '@/lib/format/durations';
import { actorLabel } from '@/lib/model/actor';
import { SeverityBadge } from './severity-badge';

const VIEWS = [
  { id: 'open', label: 'Open' },
  { id: 'snoozed', label: 'Snoozed' },
  { id: 'resolved', label: 'Resolved' },
] as const;
type View = (typeof VIEWS)[number]['id'];

/** Every finding across engines: most severe and oldest first; the view is kept in the URL. */
export function TriageInbox() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const now = useNow(1000);
  const view = (VIEWS.find((v) => v.id === params.get('view'))?.id ?? 'open') as View;
  const q = useQuery({ queryKey: ['findings', view], queryFn: () => apiFetch(FindingPage, `/api/findings?view=${view}`) });
  const counts = q.data?.counts;
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-xl font-semibold">Triage</h1>
        {counts && (
          <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite" data-testid="triage-counts">
            {counts.open} open · {counts.critical} critical · {counts.snoozed} snoozed
          </p>
        )}
      </div>
      <nav className="flex gap-2" aria-label="Finding views">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            aria-pressed={view === v.id}
            onClick={() => router.replace(`${pathname}?view=${v.id}`)}
            className="rounded border border-slate-300 px-3 py-1 text-sm aria-pressed:bg-slate-900 aria-pressed:text-white dark:border-slate-600 dark:aria-pressed:bg-slate-100 dark:aria-pressed:text-slate-900"
          >
            {v.label}
          </button>
        ))}
      </nav>
      {q.error && <p role="alert">{q.error.message}</p>}
      {q.data && q.data.items.length === 0 && (
        <p className="text-sm text-slate-500">
          {view === 'open' ? 'Nothing is stuck. ' : ''}No {view} findings.
        </p>
      )}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800" data-testid="findings">
        {q.data?.items.map((f) => (
          <li key={f.id} className="flex flex-wrap items-start gap-3 p-3" data-testid="finding-row" data-rule={f.ruleId} data-operation={f.operationId ?? ''}>
            <SeverityBadge severity={f.severity} />
            <div className="min-w-0 flex-1 space-y-1">
              <Link href={`/triage/${f.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-300">
                {f.title}
              </Link>
              <p className="text-xs text-slate-500">
                {f.subjectName} · {f.connectionId} ·{' '}
                {view === 'resolved' && f.resolvedAt
                  ? `resolved ${formatTime(f.resolvedAt)}: ${f.resolution}`
                  : `since ${formatTime(f.since)} (${formatDuration(now - Date.parse(f.since))})`}
              </p>
            </div>
            <div className="text-right text-xs text-slate-500">
              {f.claim ? <span data-testid="claimed-by">claimed by {actorLabel(f.claim.by)}</span> : view !== 'resolved' && <span>unclaimed</span>}
              {f.acknowledged && <div>acknowledged</div>}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
