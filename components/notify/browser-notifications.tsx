'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLive } from '@/components/live/live-stream';
import { apiFetch, NotificationsView } from '@/lib/client/api';

export const BROWSER_NOTIFY_KEY = 'phaseboard-browser-notifications';

export function browserNotificationsOn(): boolean {
  try {
    return localStorage.getItem(BROWSER_NOTIFY_KEY) === 'on' && typeof Notification !== 'undefined' && Notification.permission === 'granted';
  } catch {
    return false;
  }
}

/**
 * Tells this browser, when it asked to be told: a new critical finding, or a
 * watched operation that failed. Each once per tab.
 */
export function BrowserNotifications() {
  const { subscribe } = useLive();
  const watches = useQuery({ queryKey: ['notifications'], queryFn: () => apiFetch(NotificationsView, '/api/notifications') });
  const watched = useRef(new Set<string>());
  watched.current = new Set(watches.data?.watches.map((w) => w.operationId) ?? []);
  const told = useRef(new Set<string>());

  useEffect(
    () =>
      subscribe((m) => {
        if (!browserNotificationsOn()) return;
        const show = (key: string, title: string, body: string, link: string) => {
          if (told.current.has(key)) return;
          told.current.add(key);
          const n = new Notification(title, { body, tag: key });
          n.onclick = () => {
            window.focus();
            window.location.assign(link);
          };
        };
        if (m.type === 'finding') {
          const f = m.finding;
          if (f.severity === 'critical' && f.status === 'open' && f.firstSeenAt === f.lastSeenAt) {
            show(`finding:${f.id}`, `Critical: ${f.title}`, `${f.subjectName} on ${f.connectionId}`, `/triage/${f.id}`);
          }
        } else if (m.operation.state === 'failed' && watched.current.has(m.operation.id)) {
          const op = m.operation;
          show(`operation:${op.id}`, `Failed: ${op.subject.name}`, op.outcome ?? `${op.kind.replace(/_/g, ' ')} ended ${op.nativePhase}`, `/operations/${encodeURIComponent(op.id)}`);
        }
      }),
    [subscribe],
  );
  return null;
}
