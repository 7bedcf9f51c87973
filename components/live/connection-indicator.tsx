'use client';

import { useNow } from '@/components/common/use-now';
import { useEngineHealth } from '@/components/engines/use-engine-health';
import { useLive } from './live-stream';

/**
 * The header's dot: green only when the stream is live and every engine
 * answers; amber when the stream reconnects or an engine cannot be reached
 * (the figures of its operations are stale then).
 */
export function ConnectionIndicator() {
  const { state, lastMessageAt } = useLive();
  const { unreachable } = useEngineHealth();
  const now = useNow(1000);
  const ago = lastMessageAt === null ? null : Math.max(0, Math.round((now - lastMessageAt) / 1000));
  const enginesDown = unreachable.length;
  const dot = state === 'reconnecting' || (state === 'live' && enginesDown > 0) ? 'bg-amber-500' : state === 'live' ? 'bg-emerald-600' : 'bg-slate-400';
  const label =
    state === 'live'
      ? enginesDown > 0
        ? `live · ${enginesDown} engine${enginesDown > 1 ? 's' : ''} unreachable`
        : 'live'
      : state === 'reconnecting'
        ? 'reconnecting'
        : 'connecting';
  return (
    <span
      className="inline-flex items-center gap-2 text-sm text-slate-700 dark:text-slate-200"
      data-testid="connection-state"
      data-state={state}
      data-engines={enginesDown > 0 ? 'degraded' : 'ok'}
    >
      <span className={`h-2.5 w-2.5 rounded-full ${dot} ${state === 'reconnecting' ? 'animate-pulse' : ''}`} aria-hidden />
      {/* on a phone the dot and one word; the count of unreachable engines is in the banner below */}
      <span className="sm:hidden">{state === 'live' ? 'live' : label}</span>
      <span className="hidden sm:inline">{label}</span>
      {ago !== null && <span className="hidden text-slate-600 md:inline dark:text-slate-300">· last update {ago} s ago</span>}
    </span>
  );
}
