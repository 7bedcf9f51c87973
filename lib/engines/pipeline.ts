import 'server-only';
import type { PipelineStep } from '@/lib/model/operation';

type Status = PipelineStep['status'];

/**
 * Steps from a list of labels and how far the operation got: the steps
 * before `at` are done, `at` has the given status (current, failed …), the
 * ones after are pending — or skipped once the operation has ended.
 */
export function stepsUpTo(steps: readonly { key: string; label: string }[], at: string, o: { status: Status; note?: string; ended: boolean }): PipelineStep[] {
  const i = steps.findIndex((s) => s.key === at);
  return steps.map((s, j) => {
    const status: Status = j < i ? 'done' : j === i ? o.status : o.ended ? 'skipped' : 'pending';
    return j === i && o.note ? { ...s, status, note: o.note } : { ...s, status };
  });
}

/** Every step done (an operation that succeeded), except those named, which it never needed. */
export function allDone(steps: readonly { key: string; label: string }[], notNeeded: readonly string[] = []): PipelineStep[] {
  return steps.map((s) => ({ ...s, status: notNeeded.includes(s.key) ? 'skipped' : 'done' }));
}
