'use client';

import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** What to confirm: the question, what will happen, and the words on the button. */
export interface Confirmation {
  title: string;
  effect: ReactNode;
  /** e.g. "Yes, finalize" */
  confirmLabel: string;
  dangerous: boolean;
  /** words to type before the button works (an action that cannot be undone and loses data) */
  typed?: string;
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
  const typedId = useId();
  const [typed, setTyped] = useState('');
  // a new question starts with an empty box (the object is rebuilt on every render: compare what it asks)
  const question = action ? `${action.title}\n${action.typed ?? ''}` : '';
  const [asked, setAsked] = useState(question);
  if (asked !== question) {
    setAsked(question);
    setTyped('');
  }
  const matches = !action?.typed || typed === action.typed;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (action && !d.open) d.showModal();
    if (!action && d.open) d.close();
  }, [action]);
  return (
    <dialog
      ref={ref}
      // Escape: say so at once. The 'close' event comes a task later, possibly after the
      // question was asked again (Enter on the same button), so it must not close that one.
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
      onClose={() => {
        if (!ref.current?.open) onClose();
      }}
      className="m-auto max-w-lg rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      aria-labelledby="confirm-title"
    >
      {action && (
        <form
          method="dialog"
          className="space-y-4 p-5"
          onSubmit={(e) => {
            e.preventDefault();
            if (matches) onConfirm();
          }}
        >
          <h2 id="confirm-title" className="text-lg font-semibold">
            {action.title}
          </h2>
          <div className="text-sm text-slate-600 dark:text-slate-300" data-testid="confirm-effect">
            {action.effect}
          </div>
          {action.typed && (
            <label htmlFor={typedId} className="block text-sm">
              Type <code className="rounded bg-slate-100 px-1 font-semibold dark:bg-slate-800">{action.typed}</code> to confirm
              <input
                id={typedId}
                autoComplete="off"
                spellCheck={false}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
                data-testid="confirm-typed"
              />
            </label>
          )}
          <div className="flex justify-end gap-2">
            <button type="button" className="rounded border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-600" onClick={onClose}>
              Keep as is
            </button>
            <button
              type="submit"
              disabled={busy || !matches}
              className={`rounded px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 ${action.dangerous ? 'bg-rose-700 hover:bg-rose-800' : 'bg-sky-700 hover:bg-sky-800'}`}
            >
              {busy ? 'Sending…' : action.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
