'use client';

import { useQuery } from '@tanstack/react-query';
import { useSession } from '@/components/auth/use-session';
import { apiFetch, StageView } from '@/lib/client/api';

/** Whether a presenter has quieted the stage (the simulators' background mix paused; Live shows only what started since). */
export function useStage() {
  const session = useSession();
  return useQuery({
    queryKey: ['stage'],
    queryFn: () => apiFetch(StageView, '/api/demo/stage'),
    enabled: Boolean(session.data?.principal),
    refetchInterval: 30_000,
  });
}
