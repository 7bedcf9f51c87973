'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { apiFetch, ThroughputView } from '@/lib/client/api';
import { formatRate } from '@/lib/format/bytes';

/** One colour per connection, each readable on both themes. */
const COLORS = ['#0284c7', '#059669', '#d97706', '#7c3aed', '#db2777', '#64748b'];

/**
 * Bytes per second per engine connection over the last 15 minutes: the
 * summary line (what each moves now) always, the chart when opened. The line
 * keeps one height, so opening nothing moves the rows below it.
 */
export function ThroughputPanel() {
  const [open, setOpen] = useState(false);
  const q = useQuery({
    queryKey: ['throughput'],
    queryFn: () => apiFetch(ThroughputView, '/api/throughput?minutes=15'),
    refetchInterval: 10_000,
  });
  const t = q.data;
  const xs: number[] = [];
  if (t) for (let x = t.from - (t.from % t.bucketMs); x <= t.to; x += t.bucketMs) xs.push(x);
  const series = (t?.series ?? []).map((s, i) => {
    const at = new Map(s.points);
    return { label: s.connectionId, color: COLORS[i % COLORS.length]!, values: xs.map((x) => at.get(x) ?? 0) };
  });
  // "now" is the last full bucket: the current one is still filling
  const nowOf = (values: number[]) => values.at(-2) ?? values.at(-1) ?? 0;
  return (
    <details
      className="rounded-lg border border-slate-200 text-sm dark:border-slate-700"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="throughput"
    >
      <summary className="flex h-9 cursor-pointer items-center gap-3 overflow-hidden px-3 whitespace-nowrap">
        <span className="font-medium">Throughput</span>
        {series.length === 0 ? (
          <span className="text-slate-600 dark:text-slate-400">no data moved in the last 15 min</span>
        ) : (
          series.map((s) => (
            <span key={s.label} className="text-slate-700 dark:text-slate-300" data-testid="throughput-now" data-connection={s.label}>
              <span aria-hidden className="mr-1 inline-block h-2 w-2 rounded-full align-middle" style={{ background: s.color }} />
              {s.label} {formatRate(nowOf(s.values))}
            </span>
          ))
        )}
      </summary>
      {open && (
        <div className="px-3 pb-3">
          {series.length > 0 ? (
            <TimeSeriesChart
              xs={xs}
              series={series}
              format={(v) => formatRate(v)}
              label={`Bytes per second per connection over the last 15 minutes: ${series.map((s) => `${s.label} now ${formatRate(nowOf(s.values))}`).join(', ')}`}
              height={180}
              testId="throughput-chart"
            />
          ) : (
            <p className="text-slate-600 dark:text-slate-400">Nothing moved data in the last 15 minutes.</p>
          )}
        </div>
      )}
    </details>
  );
}
