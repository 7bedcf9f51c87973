import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { EngineHealthBanner } from '@/components/engines/health-banner';
import { MainNav } from '@/components/nav/main-nav';
import { Providers } from '@/components/providers';
import './globals.css';

// No default title: each page names itself (the board, an operation and a finding from their data, as <title>).
export const metadata: Metadata = {
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
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow dark:focus:bg-slate-900"
          >
            Skip to content
          </a>
          <header className="border-b border-slate-200 dark:border-slate-800">
            <MainNav />
          </header>
          <main id="main" className="mx-auto max-w-7xl px-4 py-6">
            <EngineHealthBanner />
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
