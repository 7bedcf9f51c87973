'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { ConfirmDialog } from '@/components/common/confirm-dialog';
import { apiFetch } from '@/lib/client/api';
import { copyWarnings, LibvirtInventory } from '@/lib/engines/libvirt/forms';
import type { StartFormProps } from '../start-form-props';

const Started = z.object({ message: z.string(), warnings: z.array(z.string()), commands: z.array(z.string()) });

type Form =
  | {
      kind: 'block_copy';
      domain: string;
      disk: string;
      target: string;
      format: '' | 'qcow2' | 'raw';
      shallow: boolean;
      reuseExternal: boolean;
      raw: boolean;
      bandwidth: string;
    }
  | {
      kind: 'live_migration';
      domain: string;
      destination: string;
      migrationUri: string;
      bandwidth: string;
      postcopy: boolean;
      autoConverge: boolean;
      unsafe: boolean;
    };

const input = 'mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900';

/**
 * Domains of a libvirt connection, with "copy disk" and "migrate" forms.
 * Migrations go to another configured connection, never to a typed URI.
 */
export function LibvirtStart({ connectionId, canStart, destinations, simulated }: StartFormProps) {
  const choices = simulated ? [] : destinations;
  const inv = useQuery({
    queryKey: ['inventory', connectionId],
    queryFn: () => apiFetch(LibvirtInventory, `/api/engines/${connectionId}/inventory`),
    refetchInterval: 5000,
  });
  const [form, setForm] = useState<Form | null>(null);
  const start = useMutation({
    mutationFn: (f: Form) => {
      const bandwidthMiBs = f.bandwidth ? Number(f.bandwidth) : undefined;
      const body =
        f.kind === 'block_copy'
          ? {
              domain: f.domain,
              disk: f.disk,
              target: f.target,
              format: f.format || undefined,
              shallow: f.shallow,
              reuseExternal: f.reuseExternal,
              raw: f.raw,
              bandwidthMiBs,
            }
          : {
              domain: f.domain,
              destination: f.destination,
              migrationUri: f.migrationUri || undefined,
              bandwidthMiBs,
              postcopy: f.postcopy,
              autoConverge: f.autoConverge,
              unsafe: f.unsafe,
            };
      return apiFetch(Started, `/api/engines/${connectionId}/start/${f.kind}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    },
    onSuccess: (r) => {
      toast.success(r.message, { description: [...r.warnings, 'It shows on the board within a second.'].join(' ') });
      setForm(null);
    },
    onError: (e) => toast.error('Not started', { description: e.message }),
  });
  const set = (patch: Partial<Form>) => setForm((f) => (f ? ({ ...f, ...patch } as Form) : f));
  const warnings = form?.kind === 'block_copy' ? copyWarnings({ ...form, format: form.format || undefined, bandwidthMiBs: undefined }) : [];
  if (inv.error) return <p className="text-xs text-rose-700">{inv.error.message}</p>;
  return (
    <div className="mt-3 space-y-2">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="domains">
          <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
            <tr>
              <th>Domain</th>
              <th>Disks</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {inv.data?.domains.map((d) => (
              <tr key={d.name} className="border-t border-slate-100 dark:border-slate-800" data-domain={d.name}>
                <td className="py-1 font-medium">{d.name}</td>
                <td className="py-1 text-xs">
                  {d.disks.map((k) => (
                    <div key={k.target}>
                      {k.target} <span className="font-mono text-slate-600 dark:text-slate-400">{k.source}</span> {k.busy && '(job running)'}{' '}
                      {!k.busy && (
                        <button
                          type="button"
                          disabled={!canStart.allowed}
                          title={canStart.reason}
                          className="text-sky-800 underline disabled:opacity-40 dark:text-sky-300"
                          aria-label={`Copy ${d.name} ${k.target}`}
                          onClick={() =>
                            setForm({
                              kind: 'block_copy',
                              domain: d.name,
                              disk: k.target,
                              target: `${(k.source ?? '/var/lib/libvirt/images/x').replace(/\/[^/]*$/, '')}/${d.name}-${k.target}-copy.qcow2`,
                              format: '',
                              shallow: false,
                              reuseExternal: false,
                              raw: false,
                              bandwidth: '',
                            })
                          }
                        >
                          copy…
                        </button>
                      )}
                    </div>
                  ))}
                </td>
                <td className="py-1 text-right">
                  <button
                    type="button"
                    disabled={d.migrating || !canStart.allowed || choices.length === 0}
                    title={canStart.reason ?? (choices.length === 0 ? 'no other libvirt connection to migrate to: an admin adds one first' : undefined)}
                    className="rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-40 dark:border-slate-600"
                    aria-label={d.migrating ? `${d.name} migrating` : `Migrate ${d.name}`}
                    onClick={() =>
                      setForm({
                        kind: 'live_migration',
                        domain: d.name,
                        destination: choices[0] ?? '',
                        migrationUri: '',
                        bandwidth: '',
                        postcopy: false,
                        autoConverge: false,
                        unsafe: false,
                      })
                    }
                  >
                    {d.migrating ? 'migrating' : 'Migrate…'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        busy={start.isPending}
        onClose={() => !start.isPending && setForm(null)}
        onConfirm={() => form && start.mutate(form)}
        action={
          form && {
            title: form.kind === 'block_copy' ? `Copy ${form.domain} ${form.disk}` : `Migrate ${form.domain}`,
            confirmLabel: form.kind === 'block_copy' ? 'Start the copy' : 'Start the migration',
            dangerous: false,
            effect:
              form.kind === 'block_copy' ? (
                <div className="space-y-2">
                  <p>The copy mirrors until in sync (ready); then pivot to run on it, or cancel to keep it as a point-in-time copy.</p>
                  <label className="block">
                    Destination path
                    <input className={input} required value={form.target} onChange={(e) => set({ target: e.target.value })} />
                  </label>
                  <label className="block">
                    Format
                    <select className={input} value={form.format} onChange={(e) => set({ format: e.target.value as '' | 'qcow2' | 'raw' })}>
                      <option value="">same as the source (or probed, with reuse-external)</option>
                      <option value="qcow2">qcow2</option>
                      <option value="raw">raw</option>
                    </select>
                  </label>
                  <div className="flex flex-wrap gap-4">
                    <label>
                      <input type="checkbox" checked={form.shallow} onChange={(e) => set({ shallow: e.target.checked })} /> shallow (top image only)
                    </label>
                    <label>
                      <input type="checkbox" checked={form.reuseExternal} onChange={(e) => set({ reuseExternal: e.target.checked })} /> reuse existing
                      destination
                    </label>
                    <label>
                      <input type="checkbox" checked={form.raw} onChange={(e) => set({ raw: e.target.checked })} /> raw destination
                    </label>
                  </div>
                  <label className="block">
                    Bandwidth limit (MiB/s, empty: none)
                    <input className={input} type="number" min={1} value={form.bandwidth} onChange={(e) => set({ bandwidth: e.target.value })} />
                  </label>
                  {warnings.map((w) => (
                    <p
                      key={w}
                      role="alert"
                      className="rounded border border-amber-400 bg-amber-50 p-2 text-amber-900 dark:bg-amber-950 dark:text-amber-100"
                      data-testid="copy-warning"
                    >
                      {w}
                    </p>
                  ))}
                </div>
              ) : (
                <div className="space-y-2">
                  <p>The domain keeps running here until the last pass; the migration shows its iterations, remaining data and rates.</p>
                  <label className="block">
                    Destination
                    <select className={input} value={form.destination} onChange={(e) => set({ destination: e.target.value })}>
                      {choices.map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label className="block">
                    Migration data URI (optional; the destination host's own address)
                    <input
                      className={input}
                      placeholder="tcp://10.0.0.2:49152"
                      value={form.migrationUri}
                      onChange={(e) => set({ migrationUri: e.target.value })}
                    />
                  </label>
                  <label className="block">
                    Bandwidth limit (MiB/s, empty: none)
                    <input className={input} type="number" min={1} value={form.bandwidth} onChange={(e) => set({ bandwidth: e.target.value })} />
                  </label>
                  <div className="flex flex-wrap gap-4">
                    <label>
                      <input type="checkbox" checked={form.postcopy} onChange={(e) => set({ postcopy: e.target.checked })} /> allow post-copy
                    </label>
                    <label>
                      <input type="checkbox" checked={form.autoConverge} onChange={(e) => set({ autoConverge: e.target.checked })} /> auto-converge
                    </label>
                    <label>
                      <input type="checkbox" checked={form.unsafe} onChange={(e) => set({ unsafe: e.target.checked })} /> unsafe (local disks)
                    </label>
                  </div>
                </div>
              ),
          }
        }
      />
    </div>
  );
}
