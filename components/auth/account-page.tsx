'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { apiFetch } from '@/lib/client/api';
import { useSession } from './use-session';

const field = 'mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-600 dark:bg-slate-900';

/** The logged-in person: who they are, and their password. */
export function AccountPage() {
  const principal = useSession().data?.principal;
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation({
    mutationFn: () =>
      apiFetch(z.object({ changed: z.boolean() }), '/api/session/password', { method: 'POST', body: JSON.stringify({ currentPassword, newPassword }) }),
    onSuccess: () => {
      toast.success('Password changed');
      setCurrent('');
      setNew('');
    },
    onError: (e) => toast.error('Password not changed', { description: e.message }),
  });
  if (!principal) return null;
  return (
    <section className="max-w-md space-y-4">
      <h1 className="text-xl font-semibold">Your account</h1>
      <p className="text-sm">
        Logged in as <strong>{principal.name}</strong> with the <strong>{principal.role}</strong> role.
      </p>
      {principal.kind === 'user' && (
        <form
          className="space-y-3"
          aria-label="Change your password"
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate();
          }}
        >
          <h2 className="font-medium">Change your password</h2>
          <label className="block text-sm">
            Current password
            <input
              className={field}
              type="password"
              autoComplete="current-password"
              required
              value={currentPassword}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </label>
          <label className="block text-sm">
            New password (at least 12 characters)
            <input
              className={field}
              type="password"
              autoComplete="new-password"
              minLength={12}
              required
              value={newPassword}
              onChange={(e) => setNew(e.target.value)}
            />
          </label>
          <button
            type="submit"
            disabled={change.isPending}
            className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50"
          >
            Change password
          </button>
        </form>
      )}
    </section>
  );
}
