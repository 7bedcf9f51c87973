'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { InlineForm } from '@/components/common/inline-form';
import { Role } from '@/lib/model/actor';
import { apiFetch } from '@/lib/client/api';
import { RoleSelect } from './role-select';
import { LoginLinkBox } from './login-link-box';

const User = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  role: Role,
  disabled: z.boolean(),
  logins: z.array(z.string()),
  createdAt: z.string(),
});
const Link = z.object({ path: z.string(), expiresAt: z.string() });
const input = 'mt-1 block rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';

/** Local and single sign-on users, their roles, and one-time login links. */
export function UserList() {
  const qc = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => apiFetch(z.object({ users: z.array(User) }), '/api/users') });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['users'] });
  const [form, setForm] = useState({ username: '', role: 'viewer' as Role, password: '' });
  const [link, setLink] = useState<{ path: string; expiresAt: string; who: string } | null>(null);
  const create = useMutation({
    mutationFn: () =>
      apiFetch(z.object({ user: User }), '/api/users', {
        method: 'POST',
        body: JSON.stringify({ username: form.username, role: form.role, ...(form.password ? { password: form.password } : {}) }),
      }),
    onSuccess: (r) => {
      toast.success(`User ${r.user.username} added`, { description: form.password ? undefined : 'No password was set: make a login link for them.' });
      setForm({ username: '', role: 'viewer', password: '' });
      refresh();
    },
    onError: (e) => toast.error('User not added', { description: e.message }),
  });
  const update = useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Record<string, unknown> }) =>
      apiFetch(z.object({ user: User }), `/api/users/${id}`, { method: 'PATCH', body: JSON.stringify(patch) }),
    onSuccess: (r) => {
      toast.success(`${r.user.username}: ${r.user.disabled ? 'disabled' : r.user.role}`);
      refresh();
    },
    onError: (e) => toast.error('Not changed', { description: e.message }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => apiFetch(z.object({ removed: z.string() }), `/api/users/${id}`, { method: 'DELETE' }),
    onSuccess: (r) => {
      toast.success(`${r.removed} removed`);
      refresh();
    },
    onError: (e) => toast.error('Not removed', { description: e.message }),
  });
  const makeLink = useMutation({
    mutationFn: (u: z.infer<typeof User>) =>
      apiFetch(Link, `/api/users/${u.id}/login-link`, { method: 'POST', body: JSON.stringify({ minutes: 60 }) }).then((l) => ({ ...l, who: u.username })),
    onSuccess: setLink,
    onError: (e) => toast.error('No link made', { description: e.message }),
  });
  return (
    <section className="space-y-3" aria-labelledby="users-title">
      <h1 id="users-title" className="text-xl font-semibold">
        Users
      </h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        viewer: sees everything, changes nothing · operator: runs actions and playbooks, handles findings · admin: also manages connections, users, tokens and
        the demo.
      </p>
      {users.error && <p role="alert">{users.error.message}</p>}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="users">
          <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
            <tr>
              <th className="py-1">User</th>
              <th>Role</th>
              <th>Logs in with</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data?.users.map((u) => (
              <tr key={u.id} className="border-t border-slate-100 dark:border-slate-800" data-user={u.username}>
                <td className="py-1.5">
                  {u.username} {u.disabled && <span className="rounded bg-rose-100 px-1 text-xs text-rose-900">disabled</span>}
                </td>
                <td>
                  <RoleSelect
                    label={`Role of ${u.username}`}
                    className="rounded border border-slate-300 bg-white px-1 dark:border-slate-600 dark:bg-slate-900"
                    value={u.role}
                    onChange={(role) => update.mutate({ id: u.id, patch: { role } })}
                  />
                </td>
                <td className="text-xs">{u.logins.join(', ') || '—'}</td>
                <td className="space-x-3 text-right text-xs">
                  <button type="button" className="underline" onClick={() => makeLink.mutate(u)} disabled={u.disabled}>
                    login link
                  </button>
                  <button type="button" className="underline" onClick={() => update.mutate({ id: u.id, patch: { disabled: !u.disabled } })}>
                    {u.disabled ? 'enable' : 'disable'}
                  </button>
                  <button
                    type="button"
                    className="text-rose-800 underline dark:text-rose-300"
                    onClick={() => confirm(`Remove ${u.username}?`) && remove.mutate(u.id)}
                  >
                    remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {link && <LoginLinkBox {...link} />}
      <InlineForm label="Add a user" onSubmit={() => create.mutate()}>
        <label className="text-sm">
          Username
          <input className={input} required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </label>
        <label className="text-sm">
          Role
          <RoleSelect className={input} value={form.role} onChange={(role) => setForm({ ...form, role })} />
        </label>
        <label className="text-sm">
          Password (optional, 12+ characters)
          <input
            className={input}
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </label>
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50"
        >
          Add user
        </button>
      </InlineForm>
    </section>
  );
}
