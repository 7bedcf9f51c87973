'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useLive } from '@/components/live/live-stream';
import { apiFetch, NotificationsView } from '@/lib/client/api';

export const BROWSER_NOTIFY_KEY = 'phaseboard-browser-notifications';

export type BrowserNotify = 'on' | 'off' | 'denied' | 'unsupported';

// The setting lives in the browser (localStorage, the permission): read as an external store.
const settingListeners = new Set<() => void>();
const subscribeSetting = (l: () => void) => {
  settingListeners.add(l);
  window.addEventListener('storage', l);
  return () => {
    settingListeners.delete(l);
    window.removeEventListener('storage', l);
  };
};
function readSetting(): BrowserNotify {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return browserNotificationsOn() ? 'on' : 'off';
}

/** This tab's notification setting; 'off' until the page is in the browser. */
export function useBrowserNotify(): BrowserNotify {
  return useSyncExternalStore(subscribeSetting, readSetting, () => 'off');
}

export function setBrowserNotify(on: boolean): void {
  localStorage.setItem(BROWSER_NOTIFY_KEY, on ? 'on' : 'off');
  settingListeners.forEach((l) => l());
}

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
  useEffect(() => {
    watched.current = new Set(watches.data?.watches.map((w) => w.operationId) ?? []);
  }, [watches.data]);
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
          show(
            `operation:${op.id}`,
            `Failed: ${op.subject.name}`,
            op.outcome ?? `${op.kind.replace(/_/g, ' ')} ended ${op.nativePhase}`,
            `/operations/${encodeURIComponent(op.id)}`,
          );
        }
      }),
    [subscribe],
  );
  return null;
}
