'use client';

import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs` (for "time in phase" and "N s ago"). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
