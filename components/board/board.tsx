'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { useNow } from '@/components/common/use-now';
import { PhaseBadge } from '@/components/common/state-badge';
import { ProgressBar } from '@/components/common/progress-bar';
import { apiFetch, OperationPage } from '@/lib/client/api';
import { boardQueryString, parseBoardFilters, type BoardFilters } from '@/lib/client/board-params';
import { formatDuration, formatTime } from '@/lib/format/durations';
import { summaryLine } from '@/components/operation/details-list';
import { useDetailFields } from '@/components/operation/use-detail-fields';
import { BoardFiltersBar } from './board-filters';

const PAGE = 50;

export function Board() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => parseBoardFilters(new URLSearchParams(params.toString())), [params]);
  const [offset, setOffset] = useState(0);
  const now = useNow(1000);
  const fieldsOf = useDetailFields();

  const qs = boardQueryString(filters);
  const query = useQuery({
    queryKey: ['operations', qs, offset],
    queryFn: () => apiFetch(OperationPage, `/api/operations?${qs}${qs ? '&' : ''}limit=${PAGE}&offset=${offset}`),
    placeholderData: (prev) => prev,
  });
  const setFilters = (f: BoardFilters) => {
    setOffset(0);
    const next = boardQueryString(f);
    router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
  };

  const page = query.data;
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-xl font-semibold">Operations</h1>
        <BoardFiltersBar value={filters} onChange={setFilters} />
      </div>
      {query.error && (
        <p
          role="alert"
          className="rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
        >
          Could not load operations: {query.error.message}
        </p>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-700">
        <table className="w-full text-left text-sm" data-testid="board">
          <thead className="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/60 dark:text-slate-400">
            <tr>
              <th className="px-3 py-2">Subject</th>
              <th className="px-3 py-2">Engine</th>
              <th className="px-3 py-2">Kind</th>
              <th className="px-3 py-2">Phase</th>
              <th className="px-3 py-2">Progress</th>
              <th className="px-3 py-2">In phase</th>
              <th className="px-3 py-2">Last change</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((op) => (
              <tr key={op.id} className="border-t border-slate-100 dark:border-slate-800" data-testid="board-row" data-operation-id={op.id}>
                <td className="px-3 py-2">
                  <Link
                    className="font-medium text-sky-700 hover:underline focus:outline-2 focus:outline-sky-500 dark:text-sky-300"
                    href={`/operations/${encodeURIComponent(op.id)}`}
                  >
                    {op.subject.name}
                  </Link>
                  <div className="text-xs text-slate-500">
                    <span data-testid="row-summary">{summaryLine(op, fieldsOf(op.engine, op.kind))}</span>
                    {op.attempt > 1 && <span data-testid="attempt"> · attempt {op.attempt}</span>}
                  </div>
                </td>
                <td className="px-3 py-2 text-xs">{op.connectionId}</td>
                <td className="px-3 py-2 text-xs">{op.kind}</td>
                <td className="px-3 py-2">
                  <PhaseBadge phase={op.nativePhase} state={op.state} />
                  {op.gone && <div className="text-xs text-slate-500">removed by engine</div>}
                </td>
                <td className="px-3 py-2">
                  <ProgressBar progress={op.progress} compact />
                </td>
                <td className="px-3 py-2 tabular-nums">{formatDuration((op.endedAt ? Date.parse(op.endedAt) : now) - Date.parse(op.phaseChangedAt))}</td>
                <td className="px-3 py-2 tabular-nums text-xs">{formatTime(op.phaseChangedAt)}</td>
              </tr>
            ))}
            {page && page.items.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-6 text-center text-slate-500">
                  No operations match these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {page && page.total > PAGE && (
        <nav className="flex items-center gap-3 text-sm" aria-label="pages">
          <button className="rounded border px-2 py-1 disabled:opacity-40" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, page.total)} of {page.total}
          </span>
          <button className="rounded border px-2 py-1 disabled:opacity-40" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
