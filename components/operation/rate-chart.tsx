'use client';

import { useQuery } from '@tanstack/react-query';
import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { apiFetch, RateHistory } from '@/lib/client/api';
import { formatRate } from '@/lib/format/bytes';
import type { Operation } from '@/lib/model/operation';

/** A stall longer than this shows as a flat zero, not a line sloping across the gap. */
const GAP_MS = 15_000;

/**
 * How fast the operation moved, over its life: the store's samples (one every
 * few seconds), refreshed while it runs, with the live rate appended so the
 * line ends where the bar is.
 */
export function RateChart({ op }: { op: Operation }) {
  const running = op.endedAt === null;
  const q = useQuery({
    queryKey: ['rate', op.id],
    queryFn: () => apiFetch(RateHistory, `/api/operations/${encodeURIComponent(op.id)}/rate`),
    refetchInterval: running ? 10_000 : false,
  });
  const unit = op.progress?.unit ?? q.data?.unit ?? null;
  const samples = [...(q.data?.samples ?? [])];
  const live = op.progress?.rate;
  const liveAt = op.progressAt ? Date.parse(op.progressAt) : null;
  if (live !== null && live !== undefined && liveAt !== null && liveAt > (samples.at(-1)?.atMs ?? 0))
    samples.push({ atMs: liveAt, done: op.progress!.done, rate: live });
  if (!unit || samples.length < 2) return null;

  const xs: number[] = [];
  const values: number[] = [];
  samples.forEach((s, i) => {
    const prev = samples[i - 1];
    if (prev && prev.rate === 0 && s.atMs - prev.atMs > GAP_MS) {
      xs.push(s.atMs - 1000);
      values.push(0);
    }
    xs.push(s.atMs);
    values.push(s.rate);
  });
  const format = unit === 'bytes' ? (v: number) => formatRate(v) : (v: number) => `${v.toFixed(1)} %/s`;
  const peak = Math.max(...values);
  const avg = values.reduce((a, b) => a + b, 0) / values.length;
  const now = running ? values.at(-1)! : null;
  return (
    <section aria-labelledby="rate-title" className="space-y-1">
      <h2 id="rate-title" className="text-sm font-semibold">
        Throughput
      </h2>
      <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="rate-summary">
        {now !== null && <>now {format(now)} · </>}peak {format(peak)} · average {format(avg)}
      </p>
      <TimeSeriesChart
        xs={xs}
        series={[{ label: op.subject.name, color: '#0284c7', values }]}
        format={format}
        label={`Throughput of ${op.subject.name} over time: peak ${format(peak)}, average ${format(avg)}`}
        testId="rate-chart"
      />
    </section>
  );
}
