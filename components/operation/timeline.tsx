'use client';

import { formatDuration, formatTime } from '@/lib/format/durations';
import { requestedByLabel } from '@/lib/model/action-run';
import { phaseSpans, type TimelineEvent } from '@/lib/model/timeline';
import { PhaseBadge } from '@/components/common/state-badge';

/** Phases with start and duration, then every recorded event. */
export function Timeline({ events, now }: { events: TimelineEvent[]; now: number }) {
  const spans = phaseSpans(events);
  return (
    <div className="space-y-6">
      <ol className="space-y-1" data-testid="phases" aria-label="Phases">
        {spans.map((s, i) => (
          <li key={`${s.phase}-${i}`} className="flex items-center gap-3 text-sm" data-testid="phase-span" data-phase={s.phase}>
            <span className="w-20 tabular-nums text-xs text-slate-600 dark:text-slate-400">{formatTime(s.startedAt)}</span>
            <PhaseBadge phase={s.phase} state={s.state} />
            <span className="tabular-nums text-xs text-slate-600 dark:text-slate-400">
              {formatDuration((s.endedAt ? Date.parse(s.endedAt) : now) - Date.parse(s.startedAt))}
            </span>
            {!s.endedAt && <span className="text-xs text-sky-700 dark:text-sky-300">current</span>}
          </li>
        ))}
      </ol>
      <ol className="space-y-1 border-l border-slate-200 pl-4 dark:border-slate-700" data-testid="timeline" aria-label="Events">
        {events.map((ev) => (
          <li key={ev.seq} className="text-sm" data-testid="timeline-entry" data-type={ev.entry.type}>
            <span className="mr-2 tabular-nums text-xs text-slate-600 dark:text-slate-400">{formatTime(ev.at)}</span>
            {describe(ev)}
          </li>
        ))}
      </ol>
    </div>
  );
}

function describe(ev: TimelineEvent): string {
  const e = ev.entry;
  switch (e.type) {
    case 'observed':
      return `first seen in ${e.nativePhase} (${e.state})`;
    case 'phase':
      return `${e.from} → ${e.to} (${e.state})`;
    case 'vanished':
      return `the engine no longer lists it (last phase ${e.lastPhase})`;
    case 'resolved':
      return `outcome: ${e.state} — ${e.message}`;
    case 'action_requested':
      return `${requestedByLabel(e)} requested ${e.action}`;
    case 'action_log':
      return `${e.action}: ${e.message}`;
    case 'action_finished':
      return `${e.action} ${e.ok ? 'succeeded' : 'failed'}: ${e.message}`;
    case 'engine_fact':
      return e.text;
    case 'action_interrupted':
      return `${e.action} was interrupted: phaseboard stopped while it ran; after the restart ${e.engineNow}`;
  }
}
