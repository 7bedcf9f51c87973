'use client';

import { useQuery } from '@tanstack/react-query';
import { useNow } from '@/components/common/use-now';
import { apiFetch, EnginesView } from '@/lib/client/api';
import { formatDuration } from '@/lib/format/durations';
import { useCan } from '@/components/auth/use-session';
import { CONNECTION_FORMS, START_FORMS } from './parts';
import { CheckNow } from './check-now';
import { RemoveConnection } from './remove-connection';

export function EngineList() {
  const now = useNow(1000);
  const admin = useCan('admin');
  const operator = useCan('operator');
  const q = useQuery({ queryKey: ['engines'], queryFn: () => apiFetch(EnginesView, '/api/engines'), refetchInterval: 10_000 });
  const moduleOf = (kind: string) => q.data?.modules.find((m) => m.kind === kind);
  const forms = (q.data?.modules ?? []).flatMap((m) =>
    m.ui.connectionForm && CONNECTION_FORMS[m.ui.connectionForm] ? [{ kind: m.kind, Form: CONNECTION_FORMS[m.ui.connectionForm]! }] : [],
  );
  return (
    <section className="space-y-4">
      <h1 className="text-xl font-semibold">Engine connections</h1>
      {q.error && <p role="alert">{q.error.message}</p>}
      {admin.allowed ? (
        forms.map(({ kind, Form }) => <Form key={kind} />)
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-300">Adding and removing connections {admin.reason}.</p>
      )}
      <ul className="space-y-2">
        {q.data?.engines.map((e) => (
          <li key={e.id} className="rounded-lg border border-slate-200 p-4 dark:border-slate-700" data-testid="engine" data-status={e.status?.status}>
            <div className="flex flex-wrap items-center gap-3">
              <span className="font-medium">{e.id}</span>
              <span className="text-xs text-slate-600 dark:text-slate-400">{moduleOf(e.engine)?.label ?? e.engine}</span>
              {e.simulated && <span className="rounded bg-violet-100 px-1.5 text-xs text-violet-800 dark:bg-violet-900 dark:text-violet-200">simulator</span>}
              <span className={`rounded px-1.5 text-xs ${e.status?.status === 'degraded' ? 'bg-rose-100 text-rose-800' : 'bg-emerald-100 text-emerald-800'}`}>
                {e.status?.status ?? 'unknown'}
              </span>
              {e.insecure && (
                <span
                  className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-100"
                  title="the engine is reached over plain http: credentials cross the network in clear"
                >
                  insecure: http
                </span>
              )}
              <CheckNow id={e.id} can={operator} />
              {e.added && admin.allowed && <RemoveConnection id={e.id} />}
            </div>
            <div className="mt-1 font-mono text-xs break-all text-slate-600 dark:text-slate-400">{e.url}</div>
            {e.status?.lastSuccessAt && (
              <div className="text-xs text-slate-600 dark:text-slate-400">
                last successful poll {formatDuration(now - Date.parse(e.status.lastSuccessAt))} ago
              </div>
            )}
            {e.status?.lastError && (
              <div className="text-xs text-rose-700 dark:text-rose-300">
                {e.status.lastError} ({e.status.consecutiveFailures} failures, retrying with backoff)
              </div>
            )}
            {e.status?.status === 'ok' &&
              (() => {
                const Start = START_FORMS[moduleOf(e.engine)?.ui.startForm ?? ''];
                // Other connections of the same engine are where its work may go (a migration's destination).
                const peers = (q.data?.engines ?? []).filter((d) => d.engine === e.engine && d.id !== e.id && !d.simulated).map((d) => d.id);
                return Start ? <Start connectionId={e.id} canStart={operator} destinations={peers} simulated={e.simulated} /> : null;
              })()}
          </li>
        ))}
      </ul>
    </section>
  );
}
