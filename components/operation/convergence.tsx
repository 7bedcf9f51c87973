import { formatBytes } from '@/lib/format/bytes';
import type { Operation } from '@/lib/model/operation';

/**
 * A migration's convergence at a glance: what remained at the start of each
 * iteration (it should fall), and the guest's dirty rate against the
 * bandwidth (above it, pre-copy cannot catch up).
 */
export function Convergence({ op }: { op: Operation }) {
  const r = Array.isArray(op.details.remainingPerIteration) ? op.details.remainingPerIteration : [];
  const dirty = typeof op.details.dirtyRate === 'number' ? op.details.dirtyRate : null;
  const bandwidth = typeof op.details.memoryBandwidth === 'number' ? op.details.memoryBandwidth : null;
  if (r.length < 2 && dirty === null) return null;
  const w = 160;
  const h = 36;
  const max = Math.max(...r, 1);
  const points = r.map((v, i) => `${((i / Math.max(1, r.length - 1)) * w).toFixed(1)},${(h - (v / max) * (h - 2) - 1).toFixed(1)}`).join(' ');
  const behind = dirty !== null && bandwidth !== null && dirty >= bandwidth;
  return (
    <div className="flex flex-wrap items-center gap-4 text-xs text-slate-600 dark:text-slate-300" data-testid="convergence">
      {r.length >= 2 && (
        <figure className="flex items-center gap-2">
          <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`remaining per iteration: ${r.map((v) => formatBytes(v)).join(', ')}`}>
            <polyline points={points} fill="none" strokeWidth="2" className={op.progress?.stalled ? 'stroke-amber-500' : 'stroke-sky-600'} />
          </svg>
          <figcaption>
            remaining per iteration, {r.length} iterations (last {formatBytes(r[r.length - 1]!)})
          </figcaption>
        </figure>
      )}
      {dirty !== null && (
        <span className={behind ? 'font-medium text-amber-800 dark:text-amber-300' : ''} data-testid="dirty-vs-bandwidth">
          dirty rate {formatBytes(dirty)}/s {behind ? '≥' : '<'} bandwidth {bandwidth === null ? '—' : `${formatBytes(bandwidth)}/s`}
        </span>
      )}
    </div>
  );
}
