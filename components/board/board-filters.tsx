'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { apiFetch, OperationFacets } from '@/lib/client/api';
import type { BoardFilters } from '@/lib/client/board-params';

const inputCls = 'rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900 focus:outline-2 focus:outline-sky-500';
const labelCls = 'flex flex-col text-xs text-slate-600 dark:text-slate-300';
const SEARCH_DEBOUNCE_MS = 250;

const STATES: { value: string; label: string }[] = [
  { value: 'pending,running,ready,finalizing,paused,unknown', label: 'Active' },
  { value: 'running', label: 'Running' },
  { value: 'ready', label: 'Ready (waiting)' },
  { value: 'paused', label: 'Paused' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'unknown', label: 'Unknown' },
];

/** Search (debounced), engine and kind (from the connections there are and the kinds seen), state, and history's dates. */
export function BoardFiltersBar({ value, onChange }: { value: BoardFilters; onChange: (f: BoardFilters) => void }) {
  const set = (k: keyof BoardFilters) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value, offset: 0 });
  const facets = useQuery({ queryKey: ['operation-facets'], queryFn: () => apiFetch(OperationFacets, '/api/operations/facets'), staleTime: 30_000 });
  const [q, setQ] = useState(value.q);
  // what this box last put in the URL: that coming back must not overwrite what was typed since
  const [sent, setSent] = useState(value.q);
  // The URL follows the box a quarter second after typing stops: one request per pause, not per key.
  useEffect(() => {
    if (q === value.q) return;
    const t = setTimeout(() => {
      setSent(q);
      onChange({ ...value, q, offset: 0 });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [q, value, onChange]);
  // Back/forward or a link changed the URL: the box shows it.
  const [seenQ, setSeenQ] = useState(value.q);
  if (seenQ !== value.q) {
    setSeenQ(value.q);
    if (value.q !== sent) setQ(value.q);
  }
  return (
    <form className="flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
      <label className={labelCls}>
        Search
        <input
          className={inputCls}
          type="search"
          placeholder="name, id or phase"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          aria-label="Search operations"
        />
      </label>
      <label className={labelCls}>
        Engine
        <select className={`${inputCls} w-40`} value={value.engine} onChange={set('engine')}>
          <option value="">All engines</option>
          {facets.data?.engines.map((m) => (
            <option key={m.kind} value={m.kind}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label className={labelCls}>
        Kind
        <select className={`${inputCls} w-40`} value={value.kind} onChange={set('kind')}>
          <option value="">All kinds</option>
          {facets.data?.kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <label className={labelCls}>
        State
        <select className={`${inputCls} w-40`} value={value.state} onChange={set('state')}>
          <option value="">Any state</option>
          {STATES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      {value.view === 'live' && (
        <button
          type="button"
          aria-pressed={value.needsYou}
          onClick={() => onChange({ ...value, needsYou: !value.needsYou, offset: 0 })}
          className={`rounded border px-2 py-1 text-sm ${value.needsYou ? 'border-amber-500 bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100' : 'border-slate-300 dark:border-slate-600'}`}
        >
          Needs you
        </button>
      )}
      {value.view === 'history' && (
        <>
          <label className={labelCls}>
            Started from
            <input className={`${inputCls} w-36`} type="date" value={value.from} max={value.to || undefined} onChange={set('from')} />
          </label>
          <label className={labelCls}>
            to
            <input className={`${inputCls} w-36`} type="date" value={value.to} min={value.from || undefined} onChange={set('to')} />
          </label>
        </>
      )}
    </form>
  );
}
