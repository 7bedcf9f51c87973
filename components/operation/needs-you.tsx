import type { Operation } from '@/lib/model/operation';

/** "Needs you: Finalize": the operation waits for a person's decision and goes no further without it. */
export function NeedsYouBadge({ needsYou }: { needsYou: Operation['needsYou'] }) {
  if (!needsYou) return null;
  return (
    <span
      className="inline-flex items-center rounded border border-amber-400 bg-amber-50 px-1.5 text-xs font-medium leading-4 text-amber-900 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-200"
      data-testid="needs-you"
    >
      Needs you: {needsYou.label}
    </span>
  );
}
