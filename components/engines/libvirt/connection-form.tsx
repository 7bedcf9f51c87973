'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { InlineForm } from '@/components/common/inline-form';
import { apiFetch } from '@/lib/client/api';

const input = 'mt-1 block rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';

/**
 * Adds a libvirt connection by URI; phaseboard checks it against the URI
 * rules and tries it before keeping it. Copies write only inside the
 * storage directories (default: each disk's own directory).
 */
export function LibvirtConnectionForm() {
  const qc = useQueryClient();
  const [id, setId] = useState('');
  const [uri, setUri] = useState('');
  const [dirs, setDirs] = useState('');
  const add = useMutation({
    mutationFn: () => {
      const storageDirs = dirs
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
      return apiFetch(z.object({ id: z.string() }), '/api/engines', {
        method: 'POST',
        body: JSON.stringify({ id, engine: 'libvirt', uri, ...(storageDirs.length ? { storageDirs } : {}) }),
      });
    },
    onSuccess: (r) => {
      toast.success(`Connection ${r.id} added`);
      setId('');
      setUri('');
      setDirs('');
      void qc.invalidateQueries({ queryKey: ['engines'] });
    },
    onError: (e) => toast.error('Connection not added', { description: e.message }),
  });
  return (
    <InlineForm label="Add a libvirt connection" onSubmit={() => add.mutate()}>
      <label className="text-sm">
        Connection id
        <input className={input} required placeholder="kvm1" value={id} onChange={(e) => setId(e.target.value)} />
      </label>
      <label className="w-full max-w-96 text-sm">
        libvirt URI
        <input
          className={`${input} w-full`}
          required
          placeholder="qemu+ssh://root@kvm1.example.com/system"
          value={uri}
          onChange={(e) => setUri(e.target.value)}
        />
      </label>
      <label className="w-full max-w-72 text-sm">
        Copy storage directories (optional, comma-separated)
        <input className={`${input} w-full`} placeholder="/var/lib/libvirt/images" value={dirs} onChange={(e) => setDirs(e.target.value)} />
      </label>
      <button
        type="submit"
        disabled={add.isPending}
        className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50"
      >
        {add.isPending ? 'Trying…' : 'Add libvirt connection'}
      </button>
    </InlineForm>
  );
}
