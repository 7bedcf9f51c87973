'use client';

import Link from 'next/link';
import { useState } from 'react';
import { AdminNavLink, UserMenu } from '@/components/auth/user-menu';
import { NeedsYouLink } from '@/components/board/needs-you-link';
import { ConnectionIndicator } from '@/components/live/connection-indicator';
import { ThemeToggle } from '@/components/theme-toggle';
import { TriageNavLink } from '@/components/triage/triage-nav-link';

/**
 * The main menu. From 640 px up it is one row; below, the pages, the user
 * and the theme fold behind "Menu", and what must stay in sight (whose turn
 * it is, whether the data is live) stays beside it.
 */
export function MainNav() {
  const [open, setOpen] = useState(false);
  return (
    <nav className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-5 gap-y-3 whitespace-nowrap px-4 py-3 xl:flex-nowrap" aria-label="Main">
      <Link href="/" className="font-semibold tracking-tight">
        phaseboard
      </Link>
      <span className="ml-auto flex min-w-0 flex-wrap items-center justify-end gap-x-4 gap-y-1 sm:order-last sm:ml-0">
        <NeedsYouLink />
        <ConnectionIndicator />
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-1 text-sm sm:hidden dark:border-slate-600"
          aria-expanded={open}
          aria-controls="main-links"
          onClick={() => setOpen((o) => !o)}
        >
          Menu
        </button>
      </span>
      <div
        id="main-links"
        // a chosen page closes the menu on a phone
        onClick={(e) => (e.target as HTMLElement).closest('a') && setOpen(false)}
        className={`${open ? 'flex' : 'hidden'} w-full flex-col items-start gap-3 sm:flex sm:w-auto sm:flex-1 sm:flex-row sm:items-center sm:gap-5`}
      >
        <Link href="/" className="text-sm hover:underline">
          Board
        </Link>
        <TriageNavLink />
        <Link href="/engines" className="text-sm hover:underline">
          Engines
        </Link>
        <Link href="/demo" className="text-sm hover:underline">
          Demo
        </Link>
        <Link href="/notifications" className="text-sm hover:underline">
          Notifications
        </Link>
        <AdminNavLink />
        <span className="flex items-center gap-4 sm:ml-auto">
          <UserMenu />
          <ThemeToggle />
        </span>
      </div>
    </nav>
  );
}
