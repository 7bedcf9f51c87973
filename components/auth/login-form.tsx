'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useSession } from './use-session';

const field = 'mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-600 dark:bg-slate-900';
const primary = 'w-full rounded bg-sky-700 px-3 py-2 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50';

/** Only pages of this site: a login never sends anyone elsewhere (the URL parser decides, not a prefix test). */
function safeNext(next: string | null): string {
  if (!next || typeof window === 'undefined') return '/';
  try {
    const url = new URL(next, window.location.origin);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/login')) return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
}

/** What a failed single sign-on says: phaseboard's own words per known code, never text from the URL. */
const SSO_ERRORS: Record<string, string> = {
  NO_PHASEBOARD_ROLE: 'your account has no phaseboard role: the provider lists none of the groups phaseboard maps to a role. Ask an admin.',
  USERNAME_IS_ALREADY_TAKEN: 'a local phaseboard user already has your login name. Ask an admin.',
};
function ssoMessage(code: string | null): string {
  const known = code && /^[A-Za-z_]{1,64}$/.test(code) ? SSO_ERRORS[code] : undefined;
  return `Single sign-on did not log you in: ${known ?? `the provider or phaseboard refused the login${code && /^[A-Za-z_]{1,64}$/.test(code) ? ` (${code})` : ''}.`}`;
}

async function post(path: string, body: unknown): Promise<{ ok: boolean; status: number; message: string; json: Record<string, unknown> }> {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  const err = json.error as { message?: string } | undefined;
  const retry = res.headers.get('x-retry-after');
  const message =
    res.status === 429
      ? `Too many attempts; try again in ${retry ?? 'a minute'} s.`
      : (err?.message ?? (typeof json.message === 'string' ? json.message : `HTTP ${res.status}`));
  return { ok: res.ok, status: res.status, message, json };
}

/** Username and password, single sign-on when configured, and one-time login links (#link=…). */
export function LoginForm() {
  const qc = useQueryClient();
  const session = useSession();
  const params = useSearchParams();
  const next = safeNext(params.get('next'));
  // Single sign-on comes back here with a code saying why.
  const ssoError = params.get('sso') === 'failed' ? ssoMessage(params.get('error')) : null;
  const [link, setLink] = useState<string | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    // A link opened while this page is already showing changes only the hash.
    const read = () => {
      const m = /(?:^#|&)link=([\w-]+)/.exec(window.location.hash);
      if (m?.[1]) setLink(m[1]);
    };
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, []);

  const done = async () => {
    await qc.invalidateQueries({ queryKey: ['session'] });
    window.location.assign(next);
  };
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  const signIn = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await post('/api/auth/sign-in/username', { username: username.trim().toLowerCase(), password });
      if (r.ok) return done();
      setError(r.status === 401 ? 'Wrong username or password.' : r.message);
    });
  };
  const redeem = () =>
    run(async () => {
      const r = await post('/api/auth/login-link/redeem', { token: link });
      history.replaceState(null, '', window.location.pathname + window.location.search);
      setLink(null);
      if (r.ok) return done();
      setError(r.status === 401 ? 'This login link has been used or has expired. Log in with your password, or ask an admin for a new link.' : r.message);
    });
  const sso = () =>
    run(async () => {
      const r = await post('/api/auth/sign-in/social', { provider: 'oidc', callbackURL: next, errorCallbackURL: '/login?sso=failed' });
      if (r.ok && typeof r.json.url === 'string') return window.location.assign(r.json.url);
      setError(r.message);
    });

  const principal = session.data?.principal;
  const oidc = session.data?.methods.oidc;
  return (
    <section className="mx-auto mt-10 max-w-sm space-y-5" aria-labelledby="login-title">
      <h1 id="login-title" className="text-xl font-semibold">
        Log in to phaseboard
      </h1>
      {principal && (
        <p className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
          You are logged in as {principal.name} ({principal.role}).{' '}
          <a href={next} className="underline">
            Continue
          </a>
        </p>
      )}
      {(error || ssoError) && (
        <p
          role="alert"
          className="rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100"
          data-testid="login-error"
        >
          {error ?? ssoError}
        </p>
      )}
      {link ? (
        <div className="space-y-3">
          <p className="text-sm">This is a one-time login link. It works once.</p>
          <button type="button" className={primary} disabled={busy} onClick={() => void redeem()}>
            Log in with this link
          </button>
        </div>
      ) : (
        <>
          <form className="space-y-3" onSubmit={signIn} aria-label="Log in with a password">
            <label className="block text-sm">
              Username
              <input className={field} name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
            </label>
            <label className="block text-sm">
              Password
              <input
                className={field}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <button type="submit" className={primary} disabled={busy}>
              {busy ? 'Logging in…' : 'Log in'}
            </button>
          </form>
          {oidc && (
            <button
              type="button"
              className="w-full rounded border border-slate-400 px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:hover:bg-slate-900"
              disabled={busy}
              onClick={() => void sso()}
            >
              {oidc.label}
            </button>
          )}
        </>
      )}
    </section>
  );
}
