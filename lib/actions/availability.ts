import 'server-only';
import type { EngineAdapter } from '@/lib/engines/types';
import type { ActionAvailability, ActionName, Operation } from '@/lib/model/operation';

export type FreshAvailability =
  | { ok: true; action: ActionAvailability }
  /** why not, in plain words; `gone` when the engine no longer lists it */
  | { ok: false; reason: string; gone: boolean; unsupported: boolean };

/**
 * Whether an action is possible on the operation as the engine has it now
 * (one fresh GET), by the adapter's own rule. Used before an action is sent,
 * and by playbook steps right before they run.
 */
export async function freshAvailability(adapter: EngineAdapter, op: Operation, name: ActionName): Promise<FreshAvailability> {
  const noun = op.kind.replace(/_/g, ' ');
  const fresh = await adapter.getOperation(op.nativeId);
  if (!fresh) return { ok: false, reason: `the engine no longer lists this ${noun}`, gone: true, unsupported: false };
  const view = {
    kind: op.kind,
    subject: op.subject,
    nativePhase: fresh.nativePhase,
    state: fresh.state,
    gone: false,
    details: { ...op.details, ...fresh.details },
    progress: fresh.progress,
  };
  const action = adapter.describeActions(view).find((a) => a.name === name);
  if (!action) return { ok: false, reason: `${noun} operations have no "${name}" action`, gone: false, unsupported: true };
  if (!action.enabled)
    return { ok: false, reason: `${action.label} is not possible now: ${action.reason ?? 'the engine refuses it'}`, gone: false, unsupported: false };
  return { ok: true, action };
}
