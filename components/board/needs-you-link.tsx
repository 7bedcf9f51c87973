'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSession } from '@/components/auth/use-session';
import { apiFetch, OperationPage } from '@/lib/client/api';

/** The header's count of operations waiting for a person (finalize, pivot, confirm); the board filtered to them. */
export function NeedsYouLink() {
  // under 'operations', so the stream's refreshes of the board refresh the count too
  // asked only with a session: logged out (the login page, a logout in progress) a 401 would send the page to the login again
  const loggedIn = Boolean(useSession().data?.principal);
  const q = useQuery({
    queryKey: ['operations', 'needs-you-count'],
    queryFn: () => apiFetch(OperationPage, '/api/operations?view=live&needsYou=1&limit=1'),
    refetchInterval: 30_000,
    enabled: loggedIn,
  });
  const n = q.data?.total ?? 0;
  // the slot keeps its size when empty: the count appearing never moves the header (or the buttons below it)
  if (n === 0)
    return (
      <span aria-hidden="true" className="invisible hidden min-w-[6.5rem] rounded-full border px-2 py-0.5 text-xs sm:inline-block">
        Needs you 0
      </span>
    );
  return (
    <Link
      href="/?needsYou=1"
      className="inline-block min-w-[6.5rem] rounded-full border border-amber-400 bg-amber-50 px-2 py-0.5 text-center text-xs font-medium text-amber-900 hover:bg-amber-100 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-200"
      data-testid="needs-you-count"
    >
      Needs you <span className="tabular-nums">{n}</span>
    </Link>
  );
}
