'use client';

import { useSyncExternalStore } from 'react';

// The theme is a class on <html> (set before paint by the layout's script): read it as an external store.
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};
const isDark = () => document.documentElement.classList.contains('dark');

/** Whether the dark theme is on (null while rendering on the server); follows the toggle. */
export function useDarkTheme(): boolean | null {
  return useSyncExternalStore(subscribe, isDark, () => null);
}

/** Follows the system until the user picks; the choice is kept in localStorage. */
export function ThemeToggle() {
  const dark = useDarkTheme();
  if (dark === null) return null;
  return (
    <button
      type="button"
      className="rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-600"
      aria-pressed={dark}
      onClick={() => {
        const next = !dark;
        document.documentElement.classList.toggle('dark', next);
        localStorage.setItem('phaseboard-theme', next ? 'dark' : 'light');
        listeners.forEach((l) => l());
      }}
    >
      {dark ? 'Light mode' : 'Dark mode'}
    </button>
  );
}
