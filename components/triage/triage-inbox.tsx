'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useNow } from '@/components/common/use-now';
import { apiFetch, FindingPage } from '@/lib/client/api';
import { formatDuration, formatTime } from '@/lib/format/durations';
import { actorLabel } from '@/lib/model/actor';
import { SeverityBadge } from './severity-badge';
import { BulkBar } from './bulk-bar';
import { RelativeTime } from '@/components/common/relative-time';
import type { Finding } from '@/lib/model/finding';
import { useState } from 'react';

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
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // One rule's findings together, in the order the first of each came (connection-level first, then by severity).
  const groups: { ruleId: string; items: Finding[] }[] = [];
  for (const f of q.data?.items ?? []) {
    const g = groups.find((x) => x.ruleId === f.ruleId);
    if (g) g.items.push(f);
    else groups.push({ ruleId: f.ruleId, items: [f] });
  }
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
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {view === 'open' ? 'Nothing is stuck. ' : ''}No {view} findings.
        </p>
      )}
      {view !== 'resolved' && q.data && q.data.items.length > 0 && (
        <BulkBar selected={[...selected].filter((id) => q.data.items.some((f) => f.id === id))} onDone={() => setSelected(new Set())} />
      )}
      {groups.map((g) => (
        <section key={g.ruleId} className="space-y-1" aria-label={g.items.length > 1 ? `${g.items.length} × ${g.items[0]!.ruleId}` : g.items[0]!.title}>
          {g.items.length > 1 && (
            <h2 className="flex items-center gap-2 text-sm font-semibold" data-testid="finding-group" data-rule={g.ruleId}>
              <label className="inline-flex items-center gap-1.5 font-normal">
                <input
                  type="checkbox"
                  aria-label={`Select all ${g.items.length} ${g.ruleId} findings`}
                  checked={g.items.every((f) => selected.has(f.id))}
                  onChange={(e) =>
                    setSelected((s) =>
                      toggle(
                        s,
                        g.items.map((f) => f.id),
                        e.target.checked,
                      ),
                    )
                  }
                />
              </label>
              <span data-testid="group-count">{g.items.length} ×</span> <code className="text-xs font-normal">{g.ruleId}</code>
            </h2>
          )}
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800" data-testid="findings">
            {g.items.map((f) => (
              <li
                key={f.id}
                className="flex flex-wrap items-start gap-3 p-3"
                data-testid="finding-row"
                data-rule={f.ruleId}
                data-operation={f.operationId ?? ''}
              >
                {view !== 'resolved' && (
                  <input
                    type="checkbox"
                    className="mt-1"
                    aria-label={`Select ${f.title}`}
                    checked={selected.has(f.id)}
                    onChange={(e) => setSelected((s) => toggle(s, [f.id], e.target.checked))}
                  />
                )}
                <SeverityBadge severity={f.severity} />
                <div className="min-w-0 flex-1 space-y-1">
                  <Link href={`/triage/${f.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-300">
                    {f.title}
                  </Link>
                  {f.incident && (
                    // a later chapter of an incident: its start is one click away, and the finding's page tells the whole story
                    <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="incident-link">
                      continues{' '}
                      <Link href={`/triage/${encodeURIComponent(f.incident)}`} className="underline">
                        an earlier finding on {f.subjectName}
                      </Link>
                    </p>
                  )}
                  <p className="text-xs text-slate-600 dark:text-slate-400">
                    {f.operationId === null && <span className="font-medium">connection · </span>}
                    {f.subjectName} · {f.connectionId} ·{' '}
                    {view === 'resolved' && f.resolvedAt ? (
                      `resolved ${formatTime(f.resolvedAt)}: ${f.resolution}`
                    ) : (
                      <>
                        since <RelativeTime iso={f.since} /> ({formatDuration(now - Date.parse(f.since))})
                      </>
                    )}
                  </p>
                </div>
                <div className="text-right text-xs text-slate-600 dark:text-slate-400">
                  {f.claim ? <span data-testid="claimed-by">claimed by {actorLabel(f.claim.by)}</span> : view !== 'resolved' && <span>unclaimed</span>}
                  {f.acknowledged && <div data-testid="acknowledged">acknowledged</div>}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function toggle(s: Set<string>, ids: readonly string[], on: boolean): Set<string> {
  const next = new Set(s);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}
