'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { apiFetch, NotificationsView } from '@/lib/client/api';
import { formatTime } from '@/lib/format/durations';
import { actorLabel } from '@/lib/model/actor';
import { setBrowserNotify, useBrowserNotify } from './browser-notifications';

/** Browser notifications for this tab, the webhooks and every delivery with its attempts, and what is watched. */
export function NotificationSettings() {
  const q = useQuery({ queryKey: ['notifications'], queryFn: () => apiFetch(NotificationsView, '/api/notifications'), refetchInterval: 2000 });
  const browser = useBrowserNotify();
  const toggle = async () => {
    if (browser === 'on') return setBrowserNotify(false);
    // Asking is the browser's: the setting follows what the person answered.
    const permission = await Notification.requestPermission();
    setBrowserNotify(permission === 'granted');
  };
  const data = q.data;
  return (
    <section className="space-y-6">
      <h1 className="text-xl font-semibold">Notifications</h1>
      <section className="space-y-2">
        <h2 className="font-semibold">This browser</h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          A new critical finding, or a watched operation that fails, shows as a desktop notification while phaseboard is open.
        </p>
        {browser === 'unsupported' && <p className="text-sm">This browser has no notifications.</p>}
        {browser === 'denied' && <p className="text-sm">Notifications are blocked for this site in the browser settings.</p>}
        {(browser === 'on' || browser === 'off') && (
          <label className="inline-flex items-center gap-2 text-sm">
            <input type="checkbox" checked={browser === 'on'} onChange={() => void toggle()} />
            Browser notifications
          </label>
        )}
      </section>
      {q.error && <p role="alert">{q.error.message}</p>}
      <section className="space-y-2">
        <h2 className="font-semibold">Webhooks</h2>
        {data && data.webhooks.length === 0 && (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            None configured. Add <code>notifications.webhooks</code> to the config file, or set <code>PHASEBOARD_WEBHOOK_URL</code> and{' '}
            <code>PHASEBOARD_WEBHOOK_SECRET</code>.
          </p>
        )}
        <ul className="text-sm" data-testid="webhooks">
          {data?.webhooks.map((w) => (
            <li key={w.id}>
              <strong>{w.id}</strong> → <code>{w.url}</code> · {w.events.join(', ')} · up to {w.maxAttempts} attempts
            </li>
          ))}
        </ul>
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold">Deliveries</h2>
        {data && data.deliveries.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">Nothing sent yet.</p>}
        {data && data.deliveries.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="deliveries">
              <thead className="text-xs uppercase text-slate-600 dark:text-slate-400">
                <tr>
                  <th>Created</th>
                  <th>Webhook</th>
                  <th>Event</th>
                  <th>Status</th>
                  <th>Attempts</th>
                </tr>
              </thead>
              <tbody>
                {data.deliveries.map((d) => (
                  <tr
                    key={d.id}
                    className="border-t border-slate-100 align-top dark:border-slate-800"
                    data-testid="delivery"
                    data-delivery={d.id}
                    data-event-key={d.eventKey}
                    data-status={d.status}
                  >
                    <td className="tabular-nums">{formatTime(d.createdAt)}</td>
                    <td>{d.webhookId}</td>
                    <td>{d.event}</td>
                    <td>{d.status}</td>
                    <td>
                      <ol className="text-xs">
                        {d.attempts.map((a, i) => (
                          <li key={i}>
                            {formatTime(a.at)} {a.ok ? `delivered (HTTP ${a.status})` : `failed: ${a.error}`}
                          </li>
                        ))}
                        {d.status === 'pending' && d.nextAttemptAt && <li>next try {formatTime(d.nextAttemptAt)}</li>}
                      </ol>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold">Watched operations</h2>
        {data && data.watches.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">None. Use ☆ Watch on an operation.</p>}
        <ul className="text-sm">
          {data?.watches.map((w) => (
            <li key={w.operationId}>
              <Link href={`/operations/${encodeURIComponent(w.operationId)}`} className="text-sky-700 hover:underline dark:text-sky-300">
                {w.operationId}
              </Link>{' '}
              by {actorLabel(w.by)}
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
