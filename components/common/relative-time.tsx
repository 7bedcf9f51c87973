'use client';

import { formatAbsolute, formatRelative } from '@/lib/format/durations';
import { useNow } from './use-now';

/** "3 min ago", with the full date and zone on hover and for screen readers' `dateTime`. */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useNow(5000);
  const absolute = formatAbsolute(iso);
  return (
    <time dateTime={iso} title={absolute} className={className} data-testid="relative-time">
      {formatRelative(iso, now)}
    </time>
  );
}
