import type { StepPlan } from '@/lib/model/playbook-run';

/** The dry run: each request it will send and each entity it will change. Sends nothing. */
export function PlaybookPlan({ steps }: { steps: readonly StepPlan[] }) {
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
            <span className="text-slate-500">{s.manual ? 'command' : 'request'}: </span>
            <code className="break-all text-xs" data-testid="step-request">
              {s.request}
            </code>
          </p>
          <p>
            <span className="text-slate-500">changes: </span>
            <span data-testid="step-changes">{s.changes.length > 0 ? s.changes.join('; ') : 'nothing (read-only)'}</span>
          </p>
          <p className="text-xs text-slate-500">checked right before: {s.precondition}</p>
        </li>
      ))}
    </ol>
  );
}
