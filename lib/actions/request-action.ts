import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import type { Collector } from '@/lib/collector/collector';
import { AppError, isAppError, publicMessage } from '@/lib/errors/app-error';
import type { Logger } from '@/lib/log/logger';
import type { ActionName } from '@/lib/model/operation';
import type { Store } from '@/lib/store/types';
import { actorKey, type Actor } from '@/lib/model/actor';
import type { ActionRun, RequestedByPlaybook } from '@/lib/model/action-run';
import { freshAvailability } from './availability';

export interface ActionRequestInput {
  operationId: string;
  action: ActionName;
  params: Record<string, unknown>;
  idempotencyKey: string | null;
  actor: Actor;
  /** the playbook run whose step asks, on the actor's behalf */
  playbook?: RequestedByPlaybook | null;
  /** what the person typed to confirm an action that asks for it (a finalize that leaves the disk incomplete) */
  confirm?: string;
}

export interface ActionDeps {
  store: Store;
  collector: Collector;
  log: Logger;
  now?: () => number;
}

export interface Requested {
  run: ActionRun;
  /** false when an earlier request with the same idempotency key made the run */
  created: boolean;
  /** settles with the run once it has finished */
  done: Promise<ActionRun>;
}

/**
 * Claims the operation in the store (one running action per operation, and
 * one run per idempotency key), checks the action against the engine's
 * current state (not our cached one), and performs it in the background.
 * Its progress lands in the operation's timeline.
 */
export function requestAction(deps: ActionDeps, input: ActionRequestInput): Promise<Requested> {
  if (input.idempotencyKey === null) return claimAndRun(deps, input);
  // A double click sends the same key twice at once: the second waits for
  // the first here, so it gets the first's run even if the first is refused.
  // The request itself is part of the key: a key reused for another request must reach the store's 422.
  const key = JSON.stringify([input.operationId, input.action, actorKey(input.actor), input.idempotencyKey, requestHash(input.action, input.params)]);
  const earlier = inFlight.get(key);
  if (earlier) return earlier.then((r) => ({ ...r, created: false }));
  const p = claimAndRun(deps, input).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

const inFlight = new Map<string, Promise<Requested>>();
/** runs still working in this process, so a replayed request can wait for the same end */
const running = new Map<string, Promise<ActionRun>>();
const settled = (run: ActionRun) => running.get(run.id) ?? Promise.resolve(run);

/** The same action with the same parameters hashes the same, whatever the key order. */
export function requestHash(action: ActionName, params: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256')
    .update(JSON.stringify([action, sorted]))
    .digest('hex');
}

async function claimAndRun(deps: ActionDeps, input: ActionRequestInput): Promise<Requested> {
  const now = deps.now ?? Date.now;
  const op = await deps.store.getOperation(input.operationId);
  if (!op) throw new AppError('not_found', `no operation "${input.operationId}"`);
  // Which actions exist is the engine's word (describeActions), kept on the operation.
  const known = op.actions.map((a) => a.name);
  if (!known.includes(input.action)) {
    throw new AppError('invalid_input', `unknown action "${input.action}" for ${op.kind.replace(/_/g, ' ')}; known: ${known.join(', ') || 'none'}`, {
      field: 'action',
    });
  }
  const { poller, adapter } = deps.collector.connection(op.connectionId);
  adapter.checkParams?.(input.action, input.params);

  // The claim comes first: of many concurrent requests one gets it, the
  // others are answered from the store and never reach the engine.
  const { run, created } = await deps.store.createActionRun({
    id: randomUUID(),
    operationId: op.id,
    action: input.action,
    idempotencyKey: input.idempotencyKey,
    requestHash: requestHash(input.action, input.params),
    actor: input.actor,
    playbook: input.playbook ?? null,
    params: input.params,
    status: 'running',
    requestedAt: new Date(now()).toISOString(),
    finishedAt: null,
    message: null,
  });
  if (!created) return { run, created, done: settled(run) };

  try {
    const fresh = await freshAvailability(adapter, op, input.action);
    if (!fresh.ok) {
      if (fresh.unsupported) throw new AppError('unsupported', fresh.reason);
      throw new AppError('conflict', fresh.gone ? `${input.action} is not possible: ${fresh.reason}` : fresh.reason);
    }
    // Checked here, on the engine's fresh numbers, not only in the browser's dialog: an API client confirms too.
    const typed = fresh.action.typedConfirmation;
    if (typed !== undefined && input.confirm !== typed) {
      throw new AppError('invalid_input', `${fresh.action.label} needs confirmation: ${fresh.action.effect} Send "confirm": "${typed}" to go ahead.`, {
        field: 'confirm',
      });
    }
  } catch (e) {
    // Nothing was sent: the claim is released, as if it had not been asked.
    await deps.store.deleteActionRun(run.id);
    throw e;
  }

  await poller.record(op.id, [{ type: 'action_requested', action: input.action, runId: run.id, actor: input.actor, playbook: input.playbook ?? null }]);
  const log = (message: string) => void poller.record(op.id, [{ type: 'action_log', action: input.action, runId: run.id, message }]);

  const work = adapter
    .performAction(op, { action: input.action, params: input.params, correlationId: run.id, log, history: () => poller.history(op.id) })
    .then(async (result) => {
      const entry = { type: 'action_finished' as const, action: input.action, runId: run.id, ok: result.ok, message: result.message };
      const current = result.resolution ? await deps.store.getOperation(op.id) : null;
      // The poller may have seen the job end and resolved it the same way already.
      const alreadyResolved = current?.gone === true && current.outcome === result.resolution?.message;
      if (result.resolution && !alreadyResolved) {
        const r = result.resolution;
        await poller.record(op.id, [entry, { type: 'resolved', state: r.state, message: r.message }], {
          type: 'resolved',
          at: new Date(now()).toISOString(),
          resolution: r,
        });
      } else {
        await poller.record(op.id, [entry], result.ok ? undefined : { type: 'outcome', message: result.message });
      }
      await deps.store.finishActionRun(run.id, result.ok ? 'succeeded' : 'failed', result.message, new Date(now()).toISOString());
    })
    .catch(async (e: unknown) => {
      // An engine refusal keeps the engine's words; only an unexpected error is "internal" (and logged whole).
      const message = publicMessage(e);
      deps.log.warn({ operation: op.id, action: input.action, err: isAppError(e) ? message : e }, 'action failed');
      await poller.record(op.id, [{ type: 'action_finished', action: input.action, runId: run.id, ok: false, message }]);
      await deps.store.finishActionRun(run.id, 'failed', message, new Date(now()).toISOString());
    })
    .finally(() => poller.nudge());
  void poller.trackAction(work);
  poller.nudge();
  const done = work.then(async () => (await deps.store.listActionRuns(op.id)).find((r) => r.id === run.id) ?? run).finally(() => running.delete(run.id));
  running.set(run.id, done);
  return { run, created, done };
}
