'use client';

import type { StepPlan } from '@/lib/model/playbook-run';
import { CopyButton } from '@/components/common/copy-button';

/**
 * The dry run: each request it will send and each entity it will change.
 * Sends nothing. A step to do by hand on the engine host has a copy button
 * and its own "I ran this" box: one click never confirms several of them.
 */
export function PlaybookPlan({ steps, ran, onRan }: { steps: readonly StepPlan[]; ran?: ReadonlySet<number>; onRan?: (index: number, done: boolean) => void }) {
  return (
    <ol className="space-y-2 text-sm" data-testid="dry-run" aria-label="Dry run">
      {steps.map((s, i) => (
        <li key={i} className="rounded border border-slate-200 p-2 dark:border-slate-700" data-testid="dry-run-step">
          <p className="font-medium">
            {i + 1}. {s.title}{' '}
            {s.manual && (
              <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-100">on the engine host</span>
            )}
          </p>
          <p>
            <span className="text-slate-600 dark:text-slate-400">{s.manual ? 'command' : 'request'}: </span>
            <code className="break-all text-xs" data-testid="step-request">
              {s.request}
            </code>
            {s.manual && <CopyButton text={s.request} label={`Copy the command of step ${i + 1}`} />}
          </p>
          {s.manual && onRan && (
            <label className="flex items-center gap-2 font-medium">
              <input type="checkbox" checked={ran?.has(i) ?? false} onChange={(e) => onRan(i, e.target.checked)} data-testid="ran-this" />I ran this on the
              engine host
            </label>
          )}
          <p>
            <span className="text-slate-600 dark:text-slate-400">changes: </span>
            <span data-testid="step-changes">{s.changes.length > 0 ? s.changes.join('; ') : 'nothing (read-only)'}</span>
          </p>
          <p className="text-xs text-slate-600 dark:text-slate-400">checked right before: {s.precondition}</p>
        </li>
      ))}
    </ol>
  );
}
