'use client';

import { useNow } from '@/components/common/use-now';
import { useLive } from './live-stream';

/** live / reconnecting / last update N s ago */
export function ConnectionIndicator() {
  const { state, lastMessageAt } = useLive();
  const now = useNow(1000);
  const ago = lastMessageAt === null ? null : Math.max(0, Math.round((now - lastMessageAt) / 1000));
  const dot = state === 'live' ? 'bg-emerald-500' : state === 'reconnecting' ? 'bg-amber-500 animate-pulse' : 'bg-slate-400';
  const label = state === 'live' ? 'live' : state === 'reconnecting' ? 'reconnecting' : 'connecting';
  return (
    <span className="inline-flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300" data-testid="connection-state" data-state={state}>
      <span className={`h-2.5 w-2.5 rounded-full ${dot}`} aria-hidden />
      <span>{label}</span>
      {ago !== null && <span className="text-slate-400">· last update {ago} s ago</span>}
    </span>
  );
}
