'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { apiFetch, OperationPage } from '@/lib/client/api';
import { apiQueryString, boardQueryString, LAST_BOARD_KEY, parseBoardFilters, type BoardFilters } from '@/lib/client/board-params';
import { BoardFiltersBar } from './board-filters';
import { BoardRow, BOARD_COLUMNS, type BoardColumn } from './board-row';
import { ThroughputPanel } from './throughput-panel';
import { useStage } from '@/components/demo/use-stage';
import { formatTime } from '@/lib/format/durations';
import { NewRowsPill } from './new-rows-pill';
import { useEngineHealth } from '@/components/engines/use-engine-health';

const PAGE = 50;

/**
 * The board. It holds still: rows are those that existed when the view was
 * loaded (`asOf`), in a stable order (start time by default); rows change in
 * place as the stream patches them, and operations that start meanwhile wait
 * behind the "N new · show" pill instead of pushing rows down.
 */
export function Board() {
  const params = useSearchParams();
  const pathname = usePathname();
  const qc = useQueryClient();
  const filters = useMemo(() => parseBoardFilters(new URLSearchParams(params.toString())), [params]);

  // A quiet stage keeps Live to what started since, unless the reader asks for the rest.
  const stage = useStage().data;
  const [showArchived, setShowArchived] = useState(false);
  const liveSince = stage?.quiet && !showArchived ? stage.since : null;

  // Which rows the view holds: reset when the filters change (not when paging).
  const viewKey = apiQueryString({ ...filters, offset: 0 }, { limit: PAGE, liveSince });
  const [held, setHeld] = useState<{ key: string; asOf: number | null }>({ key: viewKey, asOf: null });
  const asOf = held.key === viewKey ? held.asOf : null;
  if (held.key !== viewKey) setHeld({ key: viewKey, asOf: null });

  const apiQs = apiQueryString(filters, { limit: PAGE, liveSince });
  const query = useQuery({
    queryKey: ['operations', apiQs, asOf],
    queryFn: async () => {
      const page = await apiFetch(OperationPage, `/api/operations?${apiQueryString(filters, { limit: PAGE, asOf, liveSince })}`);
      // The first answer fixes the sequence the view is as of; its cache entry serves that key at once.
      if (asOf === null) {
        qc.setQueryData(['operations', apiQs, page.asOf], page);
        setHeld({ key: viewKey, asOf: page.asOf });
      }
      return page;
    },
    placeholderData: (prev) => prev,
  });
  const page = query.data;

  const qs = boardQueryString(filters);
  useEffect(() => {
    try {
      sessionStorage.setItem(LAST_BOARD_KEY, qs ? `/?${qs}` : '/');
    } catch {
      // storage off: "← Board" goes to the default board
    }
  }, [qs]);

  // The filters live in the URL only: the native history API updates useSearchParams without a server round trip.
  // (router.replace fetched the page's RSC payload on every keystroke of a search, and two such fetches racing
  // made Next.js fall back to a full page load now and then.)
  const setFilters = useCallback(
    (f: BoardFilters) => {
      const next = boardQueryString(f);
      window.history.replaceState(null, '', next ? `${pathname}?${next}` : pathname);
    },
    [pathname],
  );
  const showNew = () => {
    setHeld({ key: viewKey, asOf: null });
    if (filters.offset) setFilters({ ...filters, offset: 0 });
  };

  const { isStale } = useEngineHealth();
  const columns = BOARD_COLUMNS.filter((c) => !c.view || c.view === filters.view);
  const title = filters.view === 'history' ? 'History' : filters.needsYou ? 'Needs you' : 'Live operations';
  return (
    <section className="space-y-4">
      <title>{`${title} · phaseboard`}</title>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-wrap items-center gap-4">
          <h1 className="text-xl font-semibold">Operations</h1>
          <ViewTabs filters={filters} onChange={setFilters} />
        </div>
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
      <div className="flex min-h-8 flex-wrap items-center justify-between gap-3 text-sm">
        <NewRowsPill count={page?.newer ?? 0} view={filters.view} onShow={showNew} />
        <a
          className="rounded border border-slate-300 px-2 py-1 text-xs text-slate-700 hover:bg-slate-50 dark:border-slate-600 dark:text-slate-200 dark:hover:bg-slate-800"
          href={`/api/operations/export?${apiQueryString({ ...filters, offset: 0 }, { limit: PAGE, asOf })}`}
          download
        >
          Export CSV
        </a>
      </div>
      {stage?.quiet && stage.since && filters.view === 'live' && (
        <p
          className="flex min-h-9 flex-wrap items-center gap-2 rounded border border-violet-300 py-1 bg-violet-50 px-3 text-sm text-violet-900 dark:border-violet-800 dark:bg-violet-950 dark:text-violet-100"
          data-testid="quiet-stage"
        >
          {showArchived ? (
            'Quiet stage: showing everything, also what started before it.'
          ) : (
            <>Quiet stage since {formatTime(stage.since)}: Live shows only what started since; the rest is in History and search.</>
          )}
          <button type="button" className="ml-auto underline" onClick={() => setShowArchived(!showArchived)}>
            {showArchived ? 'Hide them' : 'Show them'}
          </button>
        </p>
      )}
      <ThroughputPanel />
      <div className="rounded-lg border border-slate-200 dark:border-slate-700">
        <table className="block w-full text-left text-sm sm:table sm:table-fixed" data-testid="board" aria-label={title}>
          <colgroup className="hidden sm:table-column-group">
            {columns.map((c) => (
              <col key={c.key} style={{ width: c.width }} />
            ))}
          </colgroup>
          <thead className="hidden bg-slate-50 text-xs uppercase text-slate-600 sm:table-header-group dark:bg-slate-800/60 dark:text-slate-300">
            <tr>
              {columns.map((c) => (
                <SortHeader key={c.key} column={c} filters={filters} onChange={setFilters} />
              ))}
            </tr>
          </thead>
          <tbody className="block sm:table-row-group">
            {page?.items.map((op) => (
              <BoardRow key={op.id} op={op} columns={columns} stale={isStale(op.connectionId)} />
            ))}
            {page && page.items.length === 0 && (
              <tr className="block sm:table-row">
                <td colSpan={columns.length} className="block px-3 py-6 text-center text-slate-600 sm:table-cell dark:text-slate-300">
                  {filters.view === 'history' ? 'No finished operations match these filters.' : 'No operations match these filters.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {page && page.total > PAGE && (
        <nav className="flex items-center gap-3 text-sm" aria-label="Pages">
          <button
            className="rounded border px-2 py-1 disabled:opacity-40"
            disabled={filters.offset === 0}
            onClick={() => setFilters({ ...filters, offset: Math.max(0, filters.offset - PAGE) })}
          >
            Previous
          </button>
          <span data-testid="page-range">
            {filters.offset + 1}–{Math.min(filters.offset + PAGE, page.total)} of {page.total}
          </span>
          <button
            className="rounded border px-2 py-1 disabled:opacity-40"
            disabled={filters.offset + PAGE >= page.total}
            onClick={() => setFilters({ ...filters, offset: filters.offset + PAGE })}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

function ViewTabs({ filters, onChange }: { filters: BoardFilters; onChange: (f: BoardFilters) => void }) {
  const tab = (view: BoardFilters['view'], label: string) => {
    const current = filters.view === view;
    return (
      <button
        type="button"
        aria-pressed={current}
        className={`rounded px-3 py-1 text-sm ${current ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900' : 'text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800'}`}
        // a view keeps the filters that mean the same in both; its own sort and dates start fresh
        onClick={() => onChange({ ...filters, view, sort: '', dir: '', from: '', to: '', offset: 0 })}
      >
        {label}
      </button>
    );
  };
  return (
    <div className="flex gap-1 rounded border border-slate-200 p-0.5 dark:border-slate-700" role="group" aria-label="View">
      {tab('live', 'Live')}
      {tab('history', 'History')}
    </div>
  );
}

function SortHeader({ column, filters, onChange }: { column: BoardColumn; filters: BoardFilters; onChange: (f: BoardFilters) => void }) {
  if (!column.sort) return <th className="px-3 py-2 font-medium">{column.label}</th>;
  const defaultSort = filters.view === 'history' ? 'ended' : 'started';
  const active = (filters.sort || defaultSort) === column.sort;
  const dir = filters.dir || (column.sort === 'started' || column.sort === 'ended' || column.sort === 'duration' ? 'desc' : 'asc');
  const nextDir = active
    ? dir === 'asc'
      ? 'desc'
      : 'asc'
    : column.sort === 'started' || column.sort === 'ended' || column.sort === 'duration'
      ? 'desc'
      : 'asc';
  return (
    <th className="px-3 py-2 font-medium" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="inline-flex items-center gap-1 uppercase hover:underline focus:outline-2 focus:outline-sky-500"
        onClick={() => onChange({ ...filters, sort: column.sort!, dir: nextDir, offset: 0 })}
      >
        {column.label}
        <span aria-hidden="true" className={active ? '' : 'opacity-0'}>
          {dir === 'asc' ? '▲' : '▼'}
        </span>
      </button>
    </th>
  );
}
