'use client';

import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useDarkTheme } from '@/components/theme-toggle';
import { formatTime } from '@/lib/format/durations';

/** Tick steps of the time axis, in seconds. */
const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];

export interface ChartSeries {
  label: string;
  /** a colour readable on both themes */
  color: string;
  /** one value per x (null: no value there) */
  values: (number | null)[];
}

/**
 * A live line chart over time, on uPlot: canvas-drawn and about 50 kB, it
 * redraws thousands of points per update without touching the DOM, which is
 * what a page refreshed by every poll needs (an SVG chart library re-renders
 * a node per point). Loaded on first use, so pages without a chart pay
 * nothing. The values under the pointer are read out as text below it.
 */
export function TimeSeriesChart({
  xs,
  series,
  format,
  label,
  height = 160,
  testId,
}: {
  /** epoch ms, ascending */
  xs: number[];
  series: ChartSeries[];
  /** how a y value reads ("112.6 MiB/s") */
  format: (v: number) => string;
  /** what the chart shows, for those who cannot see it */
  label: string;
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [hover, setHover] = useState<{ at: number; values: (number | null)[] } | null>(null);
  // What the latest render drew from: the plot, built asynchronously, reads it from here.
  const latest = useRef<{ data: uPlot.AlignedData; format: (v: number) => string }>({ data: [[]], format });
  useEffect(() => {
    // uPlot's time axis counts seconds
    latest.current = { data: [xs.map((x) => x / 1000), ...series.map((s) => s.values)], format };
    plot.current?.setData(latest.current.data);
  });
  const shape = series.map((s) => `${s.label}|${s.color}`).join(',');
  // the axes take the text colour of the theme: a theme switch redraws them
  const dark = useDarkTheme();

  // (Re)build the plot when the series themselves change; data changes only call setData below.
  useEffect(() => {
    let disposed = false;
    let resize: ResizeObserver | null = null;
    void import('uplot').then(({ default: UPlot }) => {
      const el = box.current;
      if (disposed || !el) return;
      const text = getComputedStyle(el).color;
      const axis = { stroke: text, grid: { stroke: 'rgba(148,163,184,0.25)' }, ticks: { stroke: 'rgba(148,163,184,0.4)' } };
      const opts: uPlot.Options = {
        width: el.clientWidth,
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          {
            ...axis,
            space: 90,
            // whole seconds and up: a tick per second at most, so no two read the same
            incrs: TIME_STEPS_S,
            values: (_u, splits) => splits.map((v) => formatTime(new Date(v * 1000).toISOString())),
          },
          { ...axis, size: 96, values: (_u, splits) => splits.map((v) => latest.current.format(v)) },
        ],
        series: [
          {},
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, fill: series.length === 1 ? `${s.color}22` : undefined, spanGaps: false })),
        ],
        hooks: {
          setCursor: [
            (u) => {
              const i = u.cursor.idx;
              if (i === null || i === undefined) return setHover(null);
              const at = (u.data[0][i] ?? 0) * 1000;
              setHover({ at, values: u.data.slice(1).map((d) => (d[i] ?? null) as number | null) });
            },
          ],
        },
      };
      plot.current?.destroy();
      plot.current = new UPlot(opts, latest.current.data, el);
      resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height }));
      resize.observe(el);
    });
    return () => {
      disposed = true;
      resize?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // the series' values reach the plot through `latest`; only their number and look rebuild it
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, dark]);

  return (
    <figure className="space-y-1" data-testid={testId}>
      <div ref={box} role="img" aria-label={label} className="w-full text-slate-600 dark:text-slate-300" style={{ height }} data-points={xs.length} />
      <figcaption className="min-h-5 text-xs text-slate-600 dark:text-slate-400" aria-live="off">
        {hover ? (
          <>
            {formatTime(new Date(hover.at).toISOString())}
            {series.map((s, i) => (
              <span key={s.label} className="ml-3">
                <span aria-hidden className="mr-1 inline-block h-2 w-2 rounded-full align-middle" style={{ background: s.color }} />
                {s.label} {hover.values[i] === null || hover.values[i] === undefined ? '—' : format(hover.values[i])}
              </span>
            ))}
          </>
        ) : (
          'Point at the chart to read a value.'
        )}
      </figcaption>
    </figure>
  );
}
