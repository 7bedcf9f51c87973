import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { EngineAdapter } from '@/lib/engines/types';
import { freshAvailability } from '@/lib/actions/availability';
import type { ActionName } from '@/lib/model/operation';
import type { PlannedStep } from './playbook';

/**
 * A step that runs one operation action. Its precondition is the adapter's
 * own rule for the action, applied to the operation as the engine has it now.
 */
export function actionStep<A extends EngineAdapter>(o: {
  action: ActionName;
  title: string;
  request: string;
  changes: string[];
  params?: Record<string, unknown>;
}): PlannedStep<A> {
  return {
    title: o.title,
    request: o.request,
    changes: o.changes,
    precondition: `the engine still allows ${o.action}`,
    manual: false,
    async check({ adapter, operation }) {
      if (!operation) return 'there is no operation to act on';
      const fresh = await freshAvailability(adapter, operation, o.action);
      return fresh.ok ? null : fresh.reason;
    },
    async run(tools) {
      const run = await tools.action(o.action, o.params);
      if (run.status !== 'succeeded') throw new AppError('conflict', `${o.action} failed: ${run.message ?? 'no reason given'}`);
      return run.message ?? `${o.action} done`;
    },
  };
}

/** A step someone runs on the engine host; running the playbook confirms it was done. */
export function manualStep<A>(o: { title: string; command: string; changes: string[] }): PlannedStep<A> {
  return {
    title: o.title,
    request: o.command,
    changes: o.changes,
    precondition: 'none: you run this on the engine side and confirm',
    manual: true,
    check: async () => null,
    run: async () => 'confirmed done by the operator',
  };
}
