'use client';

import { useQuery } from '@tanstack/react-query';
import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { useNow } from '@/components/common/use-now';
import { apiFetch, RateHistory } from '@/lib/client/api';
import { formatRate } from '@/lib/format/bytes';
import type { Operation } from '@/lib/model/operation';

/**
 * Samples are kept every 2 s while data moves and only then: a longer gap
 * means nothing moved, and is drawn flat at zero rather than as a slope.
 */
const GAP_MS = 6_000;

/**
 * How fast the operation moved, over its life: the store's samples, refreshed
 * while it runs, and the live rate now, so the line ends where the bar is.
 */
export function RateChart({ op }: { op: Operation }) {
  const running = op.endedAt === null;
  const now = useNow(5_000);
  const q = useQuery({
    queryKey: ['rate', op.id],
    queryFn: () => apiFetch(RateHistory, `/api/operations/${encodeURIComponent(op.id)}/rate`),
    refetchInterval: running ? 10_000 : false,
  });
  const unit = op.progress?.unit ?? q.data?.unit ?? null;
  const samples = [...(q.data?.samples ?? [])];
  const live = op.progress?.rate;
  if (running && live !== null && live !== undefined && now > (samples.at(-1)?.atMs ?? 0)) samples.push({ atMs: now, done: op.progress!.done, rate: live });
  if (!unit || samples.length < 2) return null;

  const xs: number[] = [];
  const values: number[] = [];
  samples.forEach((s, i) => {
    const prev = samples[i - 1];
    if (prev && s.atMs - prev.atMs > GAP_MS) {
      xs.push(prev.atMs + 2_000, s.atMs - 2_000);
      values.push(0, 0);
    }
    xs.push(s.atMs);
    values.push(s.rate);
  });
  const format = unit === 'bytes' ? (v: number) => formatRate(v) : (v: number) => `${v.toFixed(1)} %/s`;
  const peak = Math.max(...values);
  const avg = values.reduce((a, b) => a + b, 0) / values.length;
  const current = running ? values.at(-1)! : null;
  return (
    <section aria-labelledby="rate-title" className="space-y-1">
      <h2 id="rate-title" className="text-sm font-semibold">
        Throughput
      </h2>
      <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="rate-summary">
        {current !== null && <>now {format(current)} · </>}peak {format(peak)} · average {format(avg)}
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
