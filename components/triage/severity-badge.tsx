import type { Severity } from '@/lib/model/finding';

const TONE: Record<Severity, string> = {
  critical: 'bg-rose-700 text-white',
  warning: 'bg-amber-200 text-amber-900 dark:bg-amber-800 dark:text-amber-50',
  info: 'bg-sky-100 text-sky-800 dark:bg-sky-900/60 dark:text-sky-200',
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-semibold uppercase tracking-wide ${TONE[severity]}`} data-testid="severity">
      {severity}
    </span>
  );
}
