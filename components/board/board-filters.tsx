'use client';

import { useQuery } from '@tanstack/react-query';
import { apiFetch, EnginesView } from '@/lib/client/api';
import type { BoardFilters } from '@/lib/client/board-params';
import { OperationKind, OperationState } from '@/lib/model/operation';

const selectCls = 'rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900 focus:outline-2 focus:outline-sky-500';

export function BoardFiltersBar({ value, onChange }: { value: BoardFilters; onChange: (f: BoardFilters) => void }) {
  const set = (k: keyof BoardFilters) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value });
  // The engines phaseboard speaks come from its registry, not from a list here.
  const engines = useQuery({ queryKey: ['engines'], queryFn: () => apiFetch(EnginesView, '/api/engines') });
  return (
    <form className="flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
      <label className="flex flex-col text-xs text-slate-500">
        Search
        <input className={selectCls} type="search" placeholder="disk, id or phase" value={value.q} onChange={set('q')} aria-label="Search operations" />
      </label>
      <label className="flex flex-col text-xs text-slate-500">
        Engine
        <select className={selectCls} value={value.engine} onChange={set('engine')}>
          <option value="">all</option>
          {engines.data?.modules.map((m) => (
            <option key={m.kind} value={m.kind}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-500">
        Kind
        <select className={selectCls} value={value.kind} onChange={set('kind')}>
          <option value="">all</option>
          {OperationKind.options.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-500">
        State
        <select className={selectCls} value={value.state} onChange={set('state')}>
          <option value="">all</option>
          <option value="pending,running,ready,finalizing,paused,unknown">active</option>
          {OperationState.options.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
    </form>
  );
}
