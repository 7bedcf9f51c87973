'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { LiveStream } from '@/components/live/live-stream';
import { BrowserNotifications } from '@/components/notify/browser-notifications';
import { isSigningOut } from '@/lib/client/api';
import { useSession } from './use-session';

/** Pages reachable without a login. */
const PUBLIC_PATHS = ['/login'];

/**
 * Everything but the login page needs a login: without one the browser goes
 * to /login (and back here afterwards). The live stream opens only once
 * somebody is logged in. The API refuses anonymous requests regardless.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const session = useSession();
  const isPublic = PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  const anonymous = session.data !== undefined && session.data.principal === null;
  useEffect(() => {
    // A logout sends the page to /login itself; a second redirect racing it could land after a link opened meanwhile.
    if (!isPublic && anonymous && !isSigningOut()) router.replace(`/login?next=${encodeURIComponent(pathname + window.location.search)}`);
  }, [isPublic, anonymous, pathname, router]);
  if (isPublic) return <>{children}</>;
  if (session.error)
    return (
      <p role="alert" className="p-6">
        {session.error.message}
      </p>
    );
  if (!session.data?.principal) return <p className="p-6 text-sm text-slate-600 dark:text-slate-400">Checking your login…</p>;
  return (
    <LiveStream>
      {children}
      <BrowserNotifications />
    </LiveStream>
  );
}
