import type { PipelineStep } from '@/lib/model/operation';

const MARK: Record<PipelineStep['status'], { icon: string; cls: string; words: string }> = {
  done: { icon: '✓', cls: 'border-emerald-700 bg-emerald-700 text-white', words: 'done' },
  current: { icon: '●', cls: 'border-sky-700 bg-white text-sky-700 dark:bg-slate-900 dark:text-sky-300', words: 'now' },
  pending: { icon: '', cls: 'border-slate-400 bg-white dark:bg-slate-900', words: 'to come' },
  failed: { icon: '✕', cls: 'border-rose-700 bg-rose-700 text-white', words: 'failed' },
  skipped: { icon: '–', cls: 'border-slate-300 bg-slate-100 text-slate-500 dark:border-slate-600 dark:bg-slate-800', words: 'not needed' },
};

/** The kind's steps, Forklift-style: done, the current one (and what it waits for), and those to come. */
export function PipelineSteps({ steps }: { steps: readonly PipelineStep[] }) {
  if (steps.length === 0) return null;
  return (
    <ol className="flex flex-wrap items-start gap-x-2 gap-y-3 text-sm" aria-label="Steps" data-testid="pipeline">
      {steps.map((s, i) => {
        const m = MARK[s.status];
        return (
          <li
            key={s.key}
            className="flex items-start gap-2"
            data-step={s.key}
            data-status={s.status}
            aria-current={s.status === 'current' ? 'step' : undefined}
          >
            {i > 0 && <span aria-hidden="true" className="mt-2.5 h-px w-6 bg-slate-300 dark:bg-slate-600" />}
            <span aria-hidden="true" className={`flex h-5 w-5 shrink-0 items-center justify-center rounded-full border-2 text-[10px] font-bold ${m.cls}`}>
              {m.icon}
            </span>
            <span className="flex flex-col">
              <span className={s.status === 'current' ? 'font-semibold' : ''}>
                {s.label}
                <span className="sr-only"> ({m.words})</span>
              </span>
              {s.note && <span className="text-xs text-slate-600 dark:text-slate-300">{s.note}</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
