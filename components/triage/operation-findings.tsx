'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { apiFetch, FindingPage } from '@/lib/client/api';
import { SeverityBadge } from './severity-badge';

/** What triage says about one operation, open findings first. */
export function OperationFindings({ operationId }: { operationId: string }) {
  const q = useQuery({
    queryKey: ['findings', 'operation', operationId],
    queryFn: () => apiFetch(FindingPage, `/api/findings?view=all&operation=${encodeURIComponent(operationId)}`),
  });
  const items = q.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="space-y-2" aria-label="Findings">
      <h2 className="font-semibold">Findings</h2>
      <ul className="space-y-1 text-sm" data-testid="operation-findings">
        {items.map((f) => (
          <li key={f.id} className="flex flex-wrap items-center gap-2">
            <SeverityBadge severity={f.severity} />
            <Link href={`/triage/${f.id}`} className="text-sky-700 hover:underline dark:text-sky-300">
              {f.title}
            </Link>
            <span className="text-xs text-slate-600 dark:text-slate-400">{f.status === 'resolved' ? `resolved: ${f.resolution}` : 'open'}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
