import { formatBytes, formatRate, percent, percentText } from '@/lib/format/bytes';
import { formatDuration } from '@/lib/format/durations';
import { isTerminal, type OperationState, type Progress } from '@/lib/model/operation';

/**
 * Bar + bytes + rate + ETA. The figures sit in a polite live region for
 * screen readers. The bar says how it is going: amber when it is not getting
 * closer to the end ("not converging" instead of an ETA), red when it failed,
 * grey when the figures are stale (its engine cannot be reached).
 */
export function ProgressBar({
  progress,
  compact = false,
  state,
  stale = false,
  label = 'Progress',
}: {
  progress: Progress | null;
  compact?: boolean;
  state?: OperationState;
  stale?: boolean;
  /** what the bar is the progress of, for screen readers */
  label?: string;
}) {
  if (!progress) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  const pct = progress.unit === 'percent' ? progress.done : percent(progress.done, progress.total);
  // whole percents rounded down: never "100 %" while anything remains
  const pctText = progress.unit === 'percent' ? '' : percentText(progress.done, progress.total);
  const done = progress.unit === 'bytes' ? formatBytes(progress.done) : `${Math.floor(progress.done)} %`;
  const total = progress.unit === 'bytes' && progress.total !== null ? ` / ${formatBytes(progress.total)}` : '';
  const toneName = state === 'failed' ? 'failed' : stale ? 'stale' : progress.stalled ? 'stalled' : 'ok';
  const tone = { failed: 'bg-rose-600', stale: 'bg-slate-400', stalled: 'bg-amber-500', ok: 'bg-sky-500' }[toneName];
  const eta =
    stale || (state && isTerminal(state))
      ? '—'
      : progress.stalled
        ? 'not converging'
        : progress.etaSeconds === null
          ? '—'
          : formatDuration(progress.etaSeconds * 1000);
  return (
    <div className={compact ? 'w-full min-w-0' : 'w-full'}>
      <div
        className="h-2 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-700"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct === null ? undefined : Math.floor(pct)}
      >
        <div className={`h-full transition-[width] duration-500 ${tone}`} style={{ width: `${pct ?? 0}%` }} data-tone={toneName} data-testid="progress-fill" />
      </div>
      <div
        // compact (board rows): one line that never wraps, so a row keeps its height as figures change
        className={`mt-1 flex gap-x-3 text-xs tabular-nums text-slate-600 dark:text-slate-300 ${compact ? 'h-4 overflow-hidden whitespace-nowrap leading-4' : 'flex-wrap'}`}
        aria-live="polite"
        data-testid="progress-text"
      >
        <span data-testid="progress-done" data-bytes={progress.done}>
          {done}
          {total}
          {pctText && ` (${pctText})`}
        </span>
        <span>{stale ? '—' : formatRate(progress.rate)}</span>
        <span
          className={progress.stalled && !stale ? 'font-medium text-amber-800 dark:text-amber-300' : ''}
          title={progress.stalled ?? undefined}
          data-testid="eta"
        >
          {progress.stalled && !stale ? eta : `ETA ${eta}`}
        </span>
      </div>
    </div>
  );
}
