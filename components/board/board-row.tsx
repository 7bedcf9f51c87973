'use client';

import Link from 'next/link';
import { PhaseBadge } from '@/components/common/state-badge';
import { ProgressBar } from '@/components/common/progress-bar';
import { RelativeTime } from '@/components/common/relative-time';
import { useNow } from '@/components/common/use-now';
import { summaryLine } from '@/components/operation/details-list';
import { NeedsYouBadge } from '@/components/operation/needs-you';
import { useDetailFields } from '@/components/operation/use-detail-fields';
import type { BoardSort } from '@/lib/client/board-params';
import { formatDuration } from '@/lib/format/durations';
import { kindLabel, type Operation } from '@/lib/model/operation';

export interface BoardColumn {
  key: string;
  label: string;
  sort?: BoardSort;
  /** shown in one view only */
  view?: 'live' | 'history';
  /** fixed widths: cells that change never resize the table (no layout shift) */
  width: string;
}

export const BOARD_COLUMNS: readonly BoardColumn[] = [
  { key: 'subject', label: 'Subject', sort: 'subject', width: '24%' },
  { key: 'engine', label: 'Engine', sort: 'engine', width: '10%' },
  { key: 'kind', label: 'Kind', sort: 'kind', width: '11%' },
  { key: 'phase', label: 'Phase', sort: 'state', width: '16%' },
  { key: 'progress', label: 'Progress', view: 'live', width: '19%' },
  { key: 'started', label: 'Started', sort: 'started', width: '10%' },
  { key: 'ended', label: 'Ended', sort: 'ended', view: 'history', width: '10%' },
  { key: 'duration', label: 'Duration', sort: 'duration', width: '10%' },
];

/**
 * One operation: a table row from 640 px up, a card below (name and state,
 * then the bar with its ETA); the same cells either way, so there is one DOM.
 */
export function BoardRow({ op, columns, stale = false }: { op: Operation; columns: readonly BoardColumn[]; stale?: boolean }) {
  const now = useNow(1000);
  const fieldsOf = useDetailFields();
  const shown = new Set(columns.map((c) => c.key));
  const wide = 'hidden sm:table-cell';
  // every line has a fixed height: figures that change never change a row's height (no layout shift)
  const cell = 'px-3 py-1 sm:h-[60px] sm:py-2 align-top';
  const line = 'h-4 truncate text-xs leading-4 text-slate-600 dark:text-slate-300';
  const ended = op.endedAt !== null;
  return (
    <tr
      // its engine cannot be reached: the figures are as of the last answer, dimmed, and no ETA is promised
      className={`grid grid-cols-[minmax(0,1fr)_auto] border-t border-slate-200 py-2 sm:table-row sm:py-0 dark:border-slate-800 ${stale && !ended ? 'opacity-60' : ''}`}
      data-stale={stale && !ended ? 'true' : undefined}
      data-testid="board-row"
      data-operation-id={op.id}
    >
      <td className={`${cell} min-w-0`}>
        <Link
          className="block h-5 truncate font-medium leading-5 text-sky-700 hover:underline focus:outline-2 focus:outline-sky-500 dark:text-sky-300"
          href={`/operations/${encodeURIComponent(op.id)}`}
        >
          {op.subject.name}
        </Link>
        <div className={line}>
          <span data-testid="row-summary">{summaryLine(op, fieldsOf(op.engine, op.kind))}</span>
          {op.attempt > 1 && <span data-testid="attempt"> · attempt {op.attempt}</span>}
        </div>
      </td>
      <td className={`${cell} ${wide} truncate text-xs`}>{op.connectionId}</td>
      <td className={`${cell} ${wide} truncate text-xs`}>{kindLabel(op.kind)}</td>
      {/* on a phone the state sits beside the name: bounded, so a long outcome truncates instead of widening the card */}
      <td className={`${cell} max-w-[11rem] text-right sm:max-w-none sm:text-left`}>
        <PhaseBadge phase={op.nativePhase} state={op.state} />
        <div className={line}>
          {op.needsYou ? (
            <NeedsYouBadge needsYou={op.needsYou} />
          ) : op.gone ? (
            'removed by engine'
          ) : ended ? (
            (op.outcome ?? '')
          ) : (
            `for ${formatDuration(now - Date.parse(op.phaseChangedAt))}`
          )}
        </div>
      </td>
      {shown.has('progress') && (
        <td className={`${cell} col-span-2 sm:col-span-1`}>
          <ProgressBar progress={op.progress} state={op.state} stale={stale && !ended} label={`${op.subject.name} progress`} compact />
        </td>
      )}
      <td className={`${cell} ${wide} text-xs`}>
        <RelativeTime iso={op.startedAt} />
      </td>
      {shown.has('ended') && <td className={`${cell} ${wide} text-xs`}>{op.endedAt && <RelativeTime iso={op.endedAt} />}</td>}
      <td className={`${cell} ${wide} tabular-nums text-xs`} data-testid="duration">
        {formatDuration((op.endedAt ? Date.parse(op.endedAt) : now) - Date.parse(op.startedAt))}
      </td>
    </tr>
  );
}
