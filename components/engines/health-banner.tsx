'use client';

import Link from 'next/link';
import { useNow } from '@/components/common/use-now';
import { formatDuration, formatTime } from '@/lib/format/durations';
import { useEngineHealth } from './use-engine-health';

/** One line per connection phaseboard cannot reach: for how long, and how old the figures on screen are. */
export function EngineHealthBanner() {
  const { unreachable } = useEngineHealth();
  const now = useNow(1000);
  if (unreachable.length === 0) return null;
  return (
    <div className="mb-4 space-y-1" role="alert" data-testid="engine-health">
      {unreachable.map((e) => {
        const since = e.status?.lastSuccessAt;
        return (
          <p
            key={e.id}
            className="rounded border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100"
            data-testid="engine-unreachable"
            data-connection={e.id}
          >
            <strong>{e.id}</strong> unreachable
            {since ? ` for ${formatDuration(now - Date.parse(since))} — data as of ${formatTime(since)}` : ' since phaseboard started — no data yet'}
            {e.status?.lastError && <span className="text-amber-900 dark:text-amber-200"> ({e.status.lastError})</span>}.{' '}
            <Link href="/engines" className="underline">
              Engines
            </Link>
          </p>
        );
      })}
    </div>
  );
}
