import 'server-only';
import type { Runtime } from '@/lib/runtime/runtime';
import { z } from 'zod';
import { requestAction } from '@/lib/actions/request-action';
import { AppError } from '@/lib/errors/app-error';
import { fromZodError } from '@/lib/errors/zod-error';
import type { Actor } from '@/lib/model/actor';
import { ActionName, EngineKind, OperationKind, OperationState } from '@/lib/model/operation';
import { buildSupportBundle } from '@/lib/support/bundle';

export const OperationListQuery = z
  .object({
    engine: EngineKind.optional(),
    kind: OperationKind.optional(),
    state: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(OperationState))
      .optional(),
    q: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type OperationListQuery = z.infer<typeof OperationListQuery>;

export async function operationList(rt: Runtime, params: URLSearchParams) {
  const parsed = OperationListQuery.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw fromZodError(parsed.error, 'query');
  const q = parsed.data;
  const { store } = rt;
  const page = await store.listOperations({ engine: q.engine, kind: q.kind, states: q.state, text: q.q, limit: q.limit, offset: q.offset });
  return { ...page, limit: q.limit, offset: q.offset, seq: await store.lastSeq() };
}

export async function operationGet(rt: Runtime, id: string) {
  const { store } = rt;
  const operation = await store.getOperation(id);
  if (!operation) throw new AppError('not_found', `no operation "${id}"`);
  const group = operation.attemptOf ?? operation.id;
  const [timeline, actionRuns, onSubject, watch] = await Promise.all([
    store.timeline(id),
    store.listActionRuns(id),
    store.operationsOnSubject(operation.connectionId, operation.kind, operation.subject.name),
    store.getWatch(id),
  ]);
  // Every attempt at the same thing, first to last; each keeps its own timeline.
  const attempts = onSubject
    .filter((o) => o.id === group || o.attemptOf === group)
    .sort((a, b) => a.attempt - b.attempt)
    .map((o) => ({ id: o.id, attempt: o.attempt, nativePhase: o.nativePhase, state: o.state, startedAt: o.startedAt, outcome: o.outcome }));
  return { operation, timeline, actionRuns, attempts, watch };
}

/** Body of an action request; actions of the current engines take no parameters yet. */
export const ActionBody = z
  .object({
    /** free text kept in the audit record */
    reason: z.string().max(500).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export async function operationActionRequest(rt: Runtime, input: { id: string; action: string; body: unknown; idempotencyKey: string | null; actor: Actor }) {
  const action = ActionName.safeParse(input.action);
  if (!action.success) throw new AppError('invalid_input', `unknown action "${input.action.slice(0, 40)}"`, { field: 'action' });
  const body = ActionBody.safeParse(input.body ?? {});
  if (!body.success) throw fromZodError(body.error, 'action body');
  if (input.idempotencyKey !== null && !/^[\w.:-]{1,128}$/.test(input.idempotencyKey)) {
    throw new AppError('invalid_input', 'Idempotency-Key header: use 1–128 letters, digits, dots, colons or dashes', { field: 'Idempotency-Key' });
  }
  return requestAction(
    { store: rt.store, collector: rt.collector, log: rt.log },
    {
      operationId: input.id,
      action: action.data,
      params: { ...(body.data.params ?? {}), ...(body.data.reason ? { reason: body.data.reason } : {}) },
      idempotencyKey: input.idempotencyKey,
      actor: input.actor,
    },
  );
}

/** Reads a JSON body; an unparsable one is invalid input, an empty one is {}. */

/** The support bundle of one operation, as a file download. */
export async function operationBundle(rt: Runtime, id: string): Promise<Response> {
  const bundle = await buildSupportBundle(rt, id);
  const name = `phaseboard-${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
  return new Response(JSON.stringify(bundle, null, 2), {
    headers: { 'Content-Type': 'application/json', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
  });
}
