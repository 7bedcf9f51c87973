'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { InlineForm } from '@/components/common/inline-form';
import { Actor, Role } from '@/lib/model/actor';
import { apiFetch } from '@/lib/client/api';
import { RoleSelect } from './role-select';

const Token = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdBy: Actor,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  provisioned: z.boolean(),
});
const input = 'mt-1 block rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';

/** API tokens for scripts: named, with a role and an expiry; the secret is shown once. */
export function TokenList() {
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => apiFetch(z.object({ tokens: z.array(Token) }), '/api/tokens') });
  const [form, setForm] = useState({ name: '', role: 'viewer' as Role, days: '90' });
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const create = useMutation({
    mutationFn: () =>
      apiFetch(z.object({ token: Token, secret: z.string() }), '/api/tokens', {
        method: 'POST',
        body: JSON.stringify({ name: form.name, role: form.role, ...(form.days ? { expiresInDays: Number(form.days) } : {}) }),
      }),
    onSuccess: (r) => {
      setSecret({ name: r.token.name, secret: r.secret });
      setForm({ name: '', role: 'viewer', days: '90' });
      void qc.invalidateQueries({ queryKey: ['tokens'] });
    },
    onError: (e) => toast.error('Token not made', { description: e.message }),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => apiFetch(z.object({ revoked: z.string() }), `/api/tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      toast.success('Token revoked');
      void qc.invalidateQueries({ queryKey: ['tokens'] });
    },
    onError: (e) => toast.error('Not revoked', { description: e.message }),
  });
  return (
    <section className="space-y-3" aria-labelledby="tokens-title">
      <h2 id="tokens-title" className="text-lg font-semibold">
        API tokens
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Scripts send <code>Authorization: Bearer &lt;token&gt;</code>; what they do is audited as <code>token:&lt;name&gt;</code>.
      </p>
      {secret && (
        <div
          className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          data-testid="token-secret"
        >
          Token <strong>{secret.name}</strong> — copy it now, it is not shown again:
          <input
            readOnly
            value={secret.secret}
            aria-label="Token secret"
            className="mt-2 block w-full rounded border bg-white px-2 py-1 font-mono text-xs dark:bg-slate-900"
            onFocus={(e) => e.target.select()}
          />
        </div>
      )}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="tokens">
          <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
            <tr>
              <th className="py-1">Name</th>
              <th>Role</th>
              <th>Expires</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data?.tokens.map((t) => (
              <tr
                key={t.id}
                className={`border-t border-slate-100 dark:border-slate-800 ${t.revokedAt ? 'text-slate-600 dark:text-slate-400 line-through' : ''}`}
                data-token={t.name}
              >
                <td className="py-1.5">
                  {t.name} {t.provisioned && <span className="text-xs">(PHASEBOARD_ADMIN_TOKEN)</span>}
                </td>
                <td>{t.role}</td>
                <td className="text-xs">{t.expiresAt ? new Date(t.expiresAt).toLocaleDateString() : 'never'}</td>
                <td className="text-xs">{t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : '—'}</td>
                <td className="text-right text-xs">
                  {!t.revokedAt && (
                    <button type="button" className="text-rose-800 underline dark:text-rose-300" onClick={() => revoke.mutate(t.id)}>
                      revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <InlineForm label="Make an API token" onSubmit={() => create.mutate()}>
        <label className="text-sm">
          Name
          <input className={input} required placeholder="ci-deploy" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label className="text-sm">
          Role
          <RoleSelect className={input} value={form.role} onChange={(role) => setForm({ ...form, role })} />
        </label>
        <label className="text-sm">
          Expires after (days, empty: never)
          <input className={input} type="number" min={1} max={3650} value={form.days} onChange={(e) => setForm({ ...form, days: e.target.value })} />
        </label>
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50"
        >
          Make token
        </button>
      </InlineForm>
    </section>
  );
}
