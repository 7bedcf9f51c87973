import type { OperationState } from '@/lib/model/operation';

const COLORS: Record<OperationState, string> = {
  pending: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  running: 'bg-sky-100 text-sky-800 dark:bg-sky-900/60 dark:text-sky-200',
  ready: 'bg-violet-100 text-violet-800 dark:bg-violet-900/60 dark:text-violet-200',
  finalizing: 'bg-indigo-100 text-indigo-800 dark:bg-indigo-900/60 dark:text-indigo-200',
  paused: 'bg-amber-100 text-amber-800 dark:bg-amber-900/60 dark:text-amber-200',
  succeeded: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200',
  failed: 'bg-rose-100 text-rose-800 dark:bg-rose-900/60 dark:text-rose-200',
  cancelled: 'bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  unknown: 'bg-orange-100 text-orange-800 dark:bg-orange-900/60 dark:text-orange-200',
};

/** The engine's own phase word beside the normalized state: operators search by both. */
export function PhaseBadge({ phase, state }: { phase: string; state: OperationState }) {
  return (
    <span className="inline-flex max-w-full items-center gap-1.5 overflow-hidden whitespace-nowrap" title={`${phase} (${state})`}>
      <code className="text-xs text-slate-600 dark:text-slate-300" data-testid="native-phase">
        {phase}
      </code>
      <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${COLORS[state]}`} data-testid="state">
        {state}
      </span>
    </span>
  );
}
