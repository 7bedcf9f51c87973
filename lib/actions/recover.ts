import 'server-only';
import type { Collector } from '@/lib/collector/collector';
import { publicMessage } from '@/lib/errors/app-error';
import type { Logger } from '@/lib/log/logger';
import { PHASEBOARD } from '@/lib/model/actor';
import type { Store } from '@/lib/store/types';

export interface RecoverDeps {
  store: Store;
  collector: Collector;
  log: Logger;
  now?: () => number;
}

/**
 * At startup nothing of ours is running, so a run the store still calls
 * running was cut off by a crash or restart. Each becomes `interrupted` at
 * once (so the operation can be acted on again), then the engine is asked
 * how the operation stands and the timeline says so.
 */
export async function recoverInterruptedRuns(deps: RecoverDeps): Promise<{ actions: number; playbooks: number }> {
  const at = () => new Date((deps.now ?? Date.now)()).toISOString();
  const actions = await deps.store.runningActionRuns();
  for (const run of actions) {
    const op = await deps.store.getOperation(run.operationId);
    let engineNow: string;
    try {
      const { adapter } = deps.collector.connection(op?.connectionId ?? '');
      const fresh = op ? await adapter.getOperation(op.nativeId) : null;
      engineNow = fresh ? `the engine shows ${fresh.nativePhase} (${fresh.state})` : 'the engine no longer lists it; the next poll tells how it ended';
    } catch (e) {
      engineNow = `the engine could not be asked (${publicMessage(e)}); the next poll tells`;
    }
    await deps.store.finishActionRun(run.id, 'interrupted', `interrupted: phaseboard stopped while it ran; ${engineNow}`, at());
    if (op) {
      const { poller } = deps.collector.connection(op.connectionId);
      await poller.record(op.id, [{ type: 'action_interrupted', action: run.action, runId: run.id, engineNow }]);
      poller.nudge(0);
    }
    deps.log.warn({ run: run.id, operation: run.operationId, action: run.action, engineNow }, 'action run interrupted by a restart');
  }

  const playbooks = await deps.store.runningPlaybookRuns();
  for (const run of playbooks) {
    const finishedAt = at();
    for (const step of run.steps) {
      if (step.state.status === 'running')
        Object.assign(step.state, { status: 'failed', finishedAt, message: 'interrupted: phaseboard stopped during this step' });
      if (step.state.status === 'pending') step.state.status = 'skipped';
    }
    const message = 'interrupted: phaseboard stopped while it ran; the finding is evaluated again against the engine';
    await deps.store.savePlaybookRun({ ...run, status: 'interrupted', finishedAt, message });
    // phaseboard, not the person who started it, ends the run.
    await deps.store.addFindingNote({ findingId: run.findingId, at: finishedAt, by: PHASEBOARD, kind: 'playbook', text: `"${run.title}" ${message}` });
    deps.log.warn({ run: run.id, finding: run.findingId }, 'playbook run interrupted by a restart');
  }
  return { actions: actions.length, playbooks: playbooks.length };
}
