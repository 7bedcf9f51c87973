'use client';

import { useQuery } from '@tanstack/react-query';
import { apiFetch, SessionView } from '@/lib/client/api';
import { hasRole, withArticle, type Role } from '@/lib/model/actor';

/** Who is logged in; null while loading or when nobody is. */
export function useSession() {
  return useQuery({ queryKey: ['session'], queryFn: () => apiFetch(SessionView, '/api/session'), staleTime: 60_000 });
}

/**
 * Whether the person may do what needs `role`, and if not, a reason to show
 * beside the disabled control. The server checks again on every request.
 */
export function useCan(role: Role): { allowed: boolean; reason: string | undefined } {
  const principal = useSession().data?.principal;
  if (!principal) return { allowed: false, reason: 'log in first' };
  if (hasRole(principal.role, role)) return { allowed: true, reason: undefined };
  return { allowed: false, reason: `needs the ${role} role; you are ${withArticle(principal.role)}` };
}
