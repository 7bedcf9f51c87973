/** 0.4 s, 5.2 s, 3m 05s, 2h 10m */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, '0')}h`;
}

/** HH:MM:SS in the reader's zone, for lines that already say the day. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour12: false });
}

/** "just now", "42 s ago", "3 min ago", "2 h ago", "5 days ago" (or "in 3 min" ahead) */
export function formatRelative(iso: string, now: number): string {
  const diff = now - Date.parse(iso);
  if (!Number.isFinite(diff)) return '—';
  const ahead = diff < 0;
  const s = Math.abs(diff) / 1000;
  const say = (n: number, unit: string) => (ahead ? `in ${n} ${unit}` : `${n} ${unit} ago`);
  if (s < 5) return 'just now';
  if (s < 60) return say(Math.floor(s), 's');
  if (s < 3600) return say(Math.floor(s / 60), 'min');
  if (s < 86_400 * 2) return say(Math.floor(s / 3600), 'h');
  return say(Math.floor(s / 86_400), 'days');
}

/** The full instant with date and zone: "Sat, 21 Nov 2026, 15:11:43 GMT+1" (the reader's locale and zone). */
export function formatAbsolute(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(undefined, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  });
}

/** "took 20.0 s, ended 15:11:43" for a finished operation; null while it runs. */
export function tookLine(startedAt: string, endedAt: string | null): string | null {
  if (!endedAt) return null;
  return `took ${formatDuration(Date.parse(endedAt) - Date.parse(startedAt))}, ended ${formatTime(endedAt)}`;
}
