'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSession } from '@/components/auth/use-session';
import { apiFetch, FindingPage } from '@/lib/client/api';

/** "Triage" in the menu, with how many open findings wait (critical ones in red). */
export function TriageNavLink() {
  const loggedIn = Boolean(useSession().data?.principal);
  const q = useQuery({ queryKey: ['findings', 'nav'], queryFn: () => apiFetch(FindingPage, '/api/findings?view=open&limit=1'), enabled: loggedIn });
  const c = q.data?.counts;
  return (
    <Link href="/triage" className="inline-flex items-center gap-1.5 text-sm hover:underline">
      Triage
      {/* the badge's slot is kept when there is nothing to count: a finding appearing never moves the menu */}
      {c && c.open > 0 ? (
        <span
          className={`min-w-[1.75rem] rounded-full px-1.5 text-center text-xs font-semibold tabular-nums ${c.critical > 0 ? 'bg-rose-700 text-white' : 'bg-amber-200 text-amber-900'}`}
          data-testid="triage-count"
          aria-label={`${c.open} open findings, ${c.critical} critical`}
        >
          {c.open}
        </span>
      ) : (
        <span aria-hidden="true" className="invisible min-w-[1.75rem] px-1.5 text-xs">
          0
        </span>
      )}
    </Link>
  );
}
