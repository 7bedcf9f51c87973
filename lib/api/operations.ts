import 'server-only';
import type { Runtime } from '@/lib/runtime/runtime';
import { z } from 'zod';
import { requestAction } from '@/lib/actions/request-action';
import { AppError } from '@/lib/errors/app-error';
import { fromZodError } from '@/lib/errors/zod-error';
import type { Actor } from '@/lib/model/actor';
import { ActionName, EngineKind, kindLabel, OperationKind, OperationState } from '@/lib/model/operation';
import { OPERATION_SORTS, type OperationFilter } from '@/lib/store/types';
import { buildSupportBundle } from '@/lib/support/bundle';
import { csvRecord } from '@/lib/format/csv';

const Instant = z.iso
  .datetime({ offset: true })
  .transform((s) => Date.parse(s))
  .or(z.literal('').transform(() => undefined));

export const OperationListQuery = z
  .object({
    engine: EngineKind.optional(),
    connection: z.string().max(64).optional(),
    kind: OperationKind.optional(),
    state: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(OperationState))
      .optional(),
    q: z.string().max(200).optional(),
    /** live: not ended; history: ended */
    view: z.enum(['live', 'history']).optional(),
    /** started at or after / before (ISO 8601 with offset) */
    from: Instant.optional(),
    to: Instant.optional(),
    needsYou: z.enum(['1', 'true']).optional(),
    sort: z.enum(OPERATION_SORTS).optional(),
    dir: z.enum(['asc', 'desc']).optional(),
    /** the store sequence an earlier page was as of: the same rows again, and a count of later ones */
    asOf: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type OperationListQuery = z.infer<typeof OperationListQuery>;

/** The list query as the store takes it. */
export function operationFilter(params: URLSearchParams): OperationFilter {
  const parsed = OperationListQuery.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw fromZodError(parsed.error, 'query');
  const q = parsed.data;
  return {
    engine: q.engine,
    connection: q.connection,
    kind: q.kind,
    states: q.state,
    text: q.q,
    view: q.view,
    startedFrom: q.from,
    startedBefore: q.to,
    needsYou: q.needsYou !== undefined,
    asOf: q.asOf,
    sort: q.sort,
    dir: q.dir,
    limit: q.limit,
    offset: q.offset,
  };
}

export async function operationList(rt: Runtime, params: URLSearchParams) {
  const filter = operationFilter(params);
  const page = await rt.store.listOperations(filter);
  return { ...page, limit: filter.limit, offset: filter.offset, seq: await rt.store.lastSeq() };
}

const CSV_MAX_ROWS = 10_000;

/** The operations a board view lists (every page of it, up to 10,000), as a CSV file. */
export async function operationCsv(rt: Runtime, params: URLSearchParams): Promise<Response> {
  const filter = operationFilter(params);
  const head = csvRecord(['id', 'connection', 'engine', 'kind', 'subject', 'phase', 'state', 'started', 'ended', 'duration_s', 'outcome', 'attempt']);
  const lines = [head];
  let asOf = filter.asOf;
  for (let offset = 0; offset < CSV_MAX_ROWS; offset += 1000) {
    const page = await rt.store.listOperations({ ...filter, asOf, limit: Math.min(1000, CSV_MAX_ROWS - offset), offset });
    asOf = page.asOf; // every page as of the first one's sequence
    for (const op of page.items) {
      const duration = op.endedAt ? (Date.parse(op.endedAt) - Date.parse(op.startedAt)) / 1000 : null;
      lines.push(
        csvRecord([
          op.id,
          op.connectionId,
          op.engine,
          kindLabel(op.kind),
          op.subject.name,
          op.nativePhase,
          op.state,
          op.startedAt,
          op.endedAt,
          duration,
          op.outcome,
          op.attempt,
        ]),
      );
    }
    if (page.items.length < 1000) break;
  }
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new Response(lines.join(''), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="phaseboard-${filter.view ?? 'operations'}-${stamp}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}

/** What the board's filters offer: the engines of the connections there are, and the kinds phaseboard has seen, with labels. */
export async function operationFacets(rt: Runtime) {
  const engines = [...new Set(rt.connections.map((c) => c.engine))].map((kind) => ({ kind, label: rt.engines.find((m) => m.kind === kind)?.label ?? kind }));
  const kinds = (await rt.store.operationKinds()).map((kind) => ({ kind, label: kindLabel(kind) }));
  const connections = rt.connections.map((c) => ({ id: c.id, engine: c.engine }));
  return { engines, kinds, connections };
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

/** An operation's rate over time, for its chart. */
export async function operationRate(rt: Runtime, id: string) {
  if (!(await rt.store.getOperation(id))) throw new AppError('not_found', `no operation "${id}"`);
  return rt.store.rateSamples(id);
}

export const ThroughputQuery = z
  .object({
    /** how far back, in minutes */
    minutes: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(15),
  })
  .strict();

/** Bytes per second per connection over the last minutes, about 90 points each, for the board's chart. */
export async function connectionThroughput(rt: Runtime, params: URLSearchParams, nowMs = Date.now()) {
  const q = ThroughputQuery.safeParse(Object.fromEntries(params));
  if (!q.success) throw fromZodError(q.error, 'query');
  const windowMs = q.data.minutes * 60_000;
  const bucketMs = Math.max(5_000, Math.round(windowMs / 90 / 5_000) * 5_000);
  const sinceMs = nowMs - windowMs;
  const series = await rt.store.throughput(sinceMs - (sinceMs % bucketMs), bucketMs);
  const engineOf = new Map(rt.connections.map((c) => [c.id, c.engine]));
  return {
    bucketMs,
    from: sinceMs,
    to: nowMs,
    series: series.map((s) => ({ ...s, engine: engineOf.get(s.connectionId) ?? null })),
  };
}

/** Body of an action request; actions of the current engines take no parameters yet. */
export const ActionBody = z
  .object({
    /** free text kept in the audit record */
    reason: z.string().max(500).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    /** the words the action's dialog asks to type, when it asks (a finalize that leaves the disk incomplete) */
    confirm: z.string().max(300).optional(),
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
      confirm: body.data.confirm,
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
