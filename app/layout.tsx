import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { AdminNavLink, UserMenu } from '@/components/auth/user-menu';
import { ConnectionIndicator } from '@/components/live/connection-indicator';
import { Providers } from '@/components/providers';
import { ThemeToggle } from '@/components/theme-toggle';
import { TriageNavLink } from '@/components/triage/triage-nav-link';
import './globals.css';

export const metadata: Metadata = {
  title: 'phaseboard',
  description: 'Live phase timelines for long-running virtualization operations',
};

// Applies the saved or system theme before paint, so there is no flash.
const themeScript = `try{var t=localStorage.getItem('phaseboard-theme');if(t==='dark'||(!t&&matchMedia('(prefers-color-scheme: dark)').matches))document.documentElement.classList.add('dark')}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen bg-white text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>
          <header className="border-b border-slate-200 dark:border-slate-800">
            <nav className="mx-auto flex max-w-7xl flex-wrap items-center gap-5 px-4 py-3" aria-label="Main">
              <Link href="/" className="font-semibold tracking-tight">
                phaseboard
              </Link>
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
              <span className="ml-auto flex items-center gap-4">
                <ConnectionIndicator />
                <UserMenu />
                <ThemeToggle />
              </span>
            </nav>
          </header>
          <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
