'use client';

import { useQuery } from '@tanstack/react-query';
import { useSession } from '@/components/auth/use-session';
import { apiFetch, EnginesView, type EngineView } from '@/lib/client/api';

/**
 * The connections phaseboard cannot reach now. The stream's `engine` events
 * refresh it at once; the slow interval only backs them up.
 */
export function useEngineHealth(): { unreachable: EngineView[]; isStale: (connectionId: string) => boolean } {
  // only with a session (the header shows it on the login page too)
  const loggedIn = Boolean(useSession().data?.principal);
  const q = useQuery({
    queryKey: ['engines'],
    queryFn: () => apiFetch(EnginesView, '/api/engines'),
    staleTime: 60_000,
    refetchInterval: 30_000,
    enabled: loggedIn,
  });
  const unreachable = (q.data?.engines ?? []).filter((e) => e.status?.status === 'degraded');
  const ids = new Set(unreachable.map((e) => e.id));
  return { unreachable, isStale: (id) => ids.has(id) };
}
