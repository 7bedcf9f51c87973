'use client';

import Link from 'next/link';
import { useState } from 'react';
import { markSigningOut } from '@/lib/client/api';
import { useSession } from './use-session';

/** Who is logged in and as what, with the way out. */
export function UserMenu() {
  const principal = useSession().data?.principal;
  const [leaving, setLeaving] = useState(false);
  if (!principal) return null;
  const signOut = async () => {
    setLeaving(true);
    markSigningOut();
    await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).catch(() => undefined);
    window.location.assign('/login');
  };
  return (
    <span className="flex items-center gap-3 text-sm" data-testid="user-menu">
      {principal.kind === 'user' ? (
        <Link href="/account" className="hover:underline" data-testid="whoami">
          {principal.name}
        </Link>
      ) : (
        <span data-testid="whoami">{principal.name}</span>
      )}
      <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-200" data-testid="my-role">
        {principal.role}
      </span>
      {principal.kind === 'user' && (
        <button type="button" onClick={signOut} disabled={leaving} className="text-slate-700 underline hover:text-slate-900 dark:text-slate-300">
          Log out
        </button>
      )}
    </span>
  );
}

/** Nav links only some roles need. */
export function AdminNavLink() {
  const principal = useSession().data?.principal;
  if (principal?.role !== 'admin') return null;
  return (
    <Link href="/settings" className="text-sm hover:underline">
      Users &amp; tokens
    </Link>
  );
}
