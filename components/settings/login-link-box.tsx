'use client';

import { useState } from 'react';

/** A freshly made one-time link: shown here once, with a copy button. */
export function LoginLinkBox({ path, expiresAt, who }: { path: string; expiresAt: string; who: string }) {
  const url = `${window.location.origin}${path}`;
  const [copied, setCopied] = useState(false);
  return (
    <div
      className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
      data-testid="login-link"
    >
      <p>
        One-time login link for <strong>{who}</strong>, valid until {new Date(expiresAt).toLocaleString()}. It is not shown again.
      </p>
      <div className="mt-2 flex gap-2">
        <input
          readOnly
          value={url}
          aria-label="Login link"
          className="w-full rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs dark:bg-slate-900"
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="rounded border border-amber-500 px-2 text-xs"
          onClick={() => void navigator.clipboard?.writeText(url).then(() => setCopied(true))}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
