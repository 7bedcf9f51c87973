import { formatBytes, formatRate, percent, percentText } from '@/lib/format/bytes';
import { formatDuration } from '@/lib/format/durations';
import type { Progress } from '@/lib/model/operation';

/** Bar + bytes + rate + ETA. The figures sit in a polite live region for screen readers. */
export function ProgressBar({ progress, compact = false }: { progress: Progress | null; compact?: boolean }) {
  if (!progress) return <span className="text-slate-400">—</span>;
  const pct = progress.unit === 'percent' ? progress.done : percent(progress.done, progress.total);
  // whole percents rounded down: never "100 %" while anything remains
  const pctText = progress.unit === 'percent' ? '' : percentText(progress.done, progress.total);
  const done = progress.unit === 'bytes' ? formatBytes(progress.done) : `${Math.floor(progress.done)} %`;
  const total = progress.unit === 'bytes' && progress.total !== null ? ` / ${formatBytes(progress.total)}` : '';
  return (
    <div className={compact ? 'min-w-40' : 'w-full'}>
      <div
        className="h-2 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-700"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct === null ? undefined : Math.floor(pct)}
      >
        <div className="h-full bg-sky-500 transition-[width] duration-500" style={{ width: `${pct ?? 0}%` }} />
      </div>
      <div className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-300" aria-live="polite" data-testid="progress-text">
        <span data-testid="progress-done" data-bytes={progress.done}>
          {done}
          {total}
          {pctText && ` (${pctText})`}
        </span>
        <span>{formatRate(progress.rate)}</span>
        <span>ETA {progress.etaSeconds === null ? '—' : formatDuration(progress.etaSeconds * 1000)}</span>
      </div>
    </div>
  );
}
