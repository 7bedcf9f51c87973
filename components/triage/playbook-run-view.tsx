import { formatTime } from '@/lib/format/durations';
import { actorLabel } from '@/lib/model/actor';
import type { PlaybookRun } from '@/lib/model/playbook-run';

const STEP_TONE: Record<string, string> = {
  pending: 'text-slate-500',
  running: 'text-sky-700 dark:text-sky-300',
  succeeded: 'text-emerald-700 dark:text-emerald-300',
  failed: 'text-rose-700 dark:text-rose-300',
  skipped: 'text-slate-500 dark:text-slate-400',
  interrupted: 'text-amber-800 dark:text-amber-300',
};

/** One run: who, when, and each step with its live state. */
export function PlaybookRunView({ run }: { run: PlaybookRun }) {
  return (
    <div className="space-y-2 rounded border border-slate-200 p-3 dark:border-slate-700" data-testid="playbook-run" data-status={run.status}>
      <p className="text-sm">
        <strong>{run.title}</strong> by {actorLabel(run.actor)} at {formatTime(run.startedAt)} —{' '}
        <span data-testid="run-status" className={STEP_TONE[run.status === 'running' ? 'running' : run.status]}>
          {run.status}
        </span>
        {run.message && <span data-testid="run-message">: {run.message}</span>}
      </p>
      <ol className="space-y-1 text-sm" aria-label={`Steps of ${run.title}`}>
        {run.steps.map((s, i) => (
          <li key={i} data-testid="run-step" data-status={s.state.status}>
            <span className={`font-medium ${STEP_TONE[s.state.status]}`}>
              {i + 1}. [{s.state.status}] {s.title}
            </span>
            {s.state.message && <span className="text-slate-600 dark:text-slate-300"> — {s.state.message}</span>}
            {s.state.log.length > 0 && (
              <ul className="ml-5 list-disc text-xs text-slate-600 dark:text-slate-400">
                {s.state.log.map((l, j) => (
                  <li key={j}>{l}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
