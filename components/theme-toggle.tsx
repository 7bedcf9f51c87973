'use client';

import { useEffect, useState } from 'react';

/** Follows the system until the user picks; the choice is kept in localStorage. */
export function ThemeToggle() {
  const [dark, setDark] = useState<boolean | null>(null);
  useEffect(() => setDark(document.documentElement.classList.contains('dark')), []);
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
        setDark(next);
      }}
    >
      {dark ? 'Light mode' : 'Dark mode'}
    </button>
  );
}
