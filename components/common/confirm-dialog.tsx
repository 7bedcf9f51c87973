'use client';

import { useEffect, useRef, type ReactNode } from 'react';

/** What to confirm: the question, what will happen, and the words on the button. */
export interface Confirmation {
  title: string;
  effect: ReactNode;
  /** e.g. "Yes, finalize" */
  confirmLabel: string;
  dangerous: boolean;
}

/** Native <dialog>: focus trap, Escape to close, and it says what will happen. */
export function ConfirmDialog({
  action,
  busy,
  onConfirm,
  onClose,
}: {
  action: Confirmation | null;
  busy: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (action && !d.open) d.showModal();
    if (!action && d.open) d.close();
  }, [action]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      className="m-auto max-w-lg rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      aria-labelledby="confirm-title"
    >
      {action && (
        <form
          method="dialog"
          className="space-y-4 p-5"
          onSubmit={(e) => {
            e.preventDefault();
            onConfirm();
          }}
        >
          <h2 id="confirm-title" className="text-lg font-semibold">
            {action.title}
          </h2>
          <div className="text-sm text-slate-600 dark:text-slate-300" data-testid="confirm-effect">
            {action.effect}
          </div>
          <div className="flex justify-end gap-2">
            <button type="button" className="rounded border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-600" onClick={onClose}>
              Keep as is
            </button>
            <button
              type="submit"
              disabled={busy}
              className={`rounded px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 ${action.dangerous ? 'bg-rose-600 hover:bg-rose-700' : 'bg-sky-600 hover:bg-sky-700'}`}
            >
              {busy ? 'Sending…' : action.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
