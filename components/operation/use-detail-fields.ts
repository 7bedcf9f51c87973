'use client';
import { useQuery } from '@tanstack/react-query';
import { apiFetch, EnginesView } from '@/lib/client/api';
import type { DetailField } from '@/lib/model/details';

/** The labels and units an engine declares for a kind's details (from /api/engines, shared with the Engines page). */
export function useDetailFields(): (engine: string, kind: string) => DetailField[] {
  const q = useQuery({ queryKey: ['engines'], queryFn: () => apiFetch(EnginesView, '/api/engines'), staleTime: 60_000 });
  return (engine, kind) => q.data?.modules.find((m) => m.kind === engine)?.details[kind] ?? [];
}
