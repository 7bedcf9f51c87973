import { z } from 'zod';
import { DetailSpecs } from '@/lib/model/details';
import { RequestedByPlaybook } from '@/lib/model/action-run';
import { Actor } from '@/lib/model/actor';
import { Operation, OperationState } from '@/lib/model/operation';
import { TimelineEvent } from '@/lib/model/timeline';
import { Delivery, Watch } from '@/lib/model/delivery';
import { Finding, FindingNote, Remedy } from '@/lib/model/finding';
import { PlaybookRun, StepPlan } from '@/lib/model/playbook-run';

export const OperationPage = z.object({
  items: z.array(Operation),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  seq: z.number(),
  /** the store sequence the page is as of */
  asOf: z.number(),
  /** operations the view would list now but this page, as of `asOf`, does not */
  newer: z.number(),
});
export type OperationPage = z.infer<typeof OperationPage>;

export const OperationFacets = z.object({
  engines: z.array(z.object({ kind: z.string(), label: z.string() })),
  kinds: z.array(z.object({ kind: z.string(), label: z.string() })),
  connections: z.array(z.object({ id: z.string(), engine: z.string() })),
});

export const ActionRunView = z.object({
  id: z.string(),
  action: z.string(),
  actor: Actor,
  playbook: RequestedByPlaybook.nullable(),
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  message: z.string().nullable(),
});
export type ActionRunView = z.infer<typeof ActionRunView>;

export const AttemptView = z.object({
  id: z.string(),
  attempt: z.number(),
  nativePhase: z.string(),
  state: OperationState,
  startedAt: z.string(),
  outcome: z.string().nullable(),
});

export const OperationDetail = z.object({
  operation: Operation,
  timeline: z.array(TimelineEvent),
  actionRuns: z.array(ActionRunView),
  attempts: z.array(AttemptView),
  watch: Watch.nullable(),
});

/** An operation's rate over time (GET /api/operations/:id/rate). */
export const RateHistory = z.object({
  unit: z.enum(['bytes', 'percent']).nullable(),
  samples: z.array(z.object({ atMs: z.number(), done: z.number(), rate: z.number() })),
});

/** Bytes per second per connection over time (GET /api/throughput). */
export const ThroughputView = z.object({
  bucketMs: z.number(),
  from: z.number(),
  to: z.number(),
  series: z.array(z.object({ connectionId: z.string(), engine: z.string().nullable(), points: z.array(z.tuple([z.number(), z.number()])) })),
});

export const NotificationsView = z.object({
  webhooks: z.array(z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), maxAttempts: z.number() })),
  deliveries: z.array(Delivery),
  watches: z.array(Watch),
});
export type NotificationsView = z.infer<typeof NotificationsView>;
export type OperationDetail = z.infer<typeof OperationDetail>;

export const EngineView = z.object({
  id: z.string(),
  /** the engine's kind; its module is in EnginesView.modules */
  engine: z.string(),
  url: z.string(),
  simulated: z.boolean(),
  /** added from the UI (removable here) */
  added: z.boolean(),
  /** reached over plain http (the config says insecure) */
  insecure: z.boolean().default(false),
  status: z
    .object({
      status: z.enum(['ok', 'degraded', 'starting']),
      lastSuccessAt: z.string().nullable(),
      lastError: z.string().nullable(),
      consecutiveFailures: z.number(),
    })
    .nullable(),
});
export type EngineView = z.infer<typeof EngineView>;

/** An engine phaseboard speaks, from the registry: what its connections can do and its UI parts. */
export const EngineModuleView = z.object({
  kind: z.string(),
  label: z.string(),
  addable: z.boolean(),
  start: z.array(z.object({ kind: z.string(), label: z.string() })),
  inventory: z.boolean(),
  /** labels and units of each kind's details */
  details: DetailSpecs,
  /** the actions each kind may offer */
  actions: z.record(z.string(), z.array(z.string())),
  ui: z.object({ connectionForm: z.string().optional(), startForm: z.string().optional() }),
});
export type EngineModuleView = z.infer<typeof EngineModuleView>;

export const EnginesView = z.object({ engines: z.array(EngineView), modules: z.array(EngineModuleView) });
export type EnginesView = z.infer<typeof EnginesView>;

/** A presenter's quiet stage (GET /api/demo/stage). */
export const StageView = z.object({ quiet: z.boolean(), since: z.string().nullable(), simulators: z.number() });

export const ScenarioView = z.object({
  id: z.string(),
  engine: z.string(),
  engineLabel: z.string(),
  title: z.string(),
  description: z.string(),
  next: z.string(),
  /** upload / download for oVirt; the job (copy, pull, migration …) for libvirt */
  detail: z.string(),
  finalizeBy: z.enum(['client', 'operator']).nullable(),
  tags: z.array(z.string()),
});
export type ScenarioView = z.infer<typeof ScenarioView>;

const ApiErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

/** An error the server explained; its message is meant for the operator. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * fetch + JSON + zod: everything the browser reads from phaseboard goes
 * through here. Changes are always JSON (the server takes nothing else);
 * an expired login sends the person to the login page.
 */
let signingOut = false;

/** A logout is under way: a request it outran answers 401, and that must not send the page to the login with a `next`. */
export function markSigningOut(): void {
  signingOut = true;
}

/** True once a logout has begun: the page is on its way to /login and nothing else may redirect it meanwhile. */
export function isSigningOut(): boolean {
  return signingOut;
}

export async function apiFetch<S extends z.ZodType>(schema: S, path: string, init?: RequestInit): Promise<z.infer<S>> {
  const changes = init?.method !== undefined && init.method !== 'GET';
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      ...(changes && init?.body === undefined ? { body: '{}' } : {}),
      headers: { Accept: 'application/json', ...(changes ? { 'Content-Type': 'application/json' } : {}), ...init?.headers },
    });
  } catch {
    throw new ApiError('phaseboard is not reachable (offline?)', 0, 'network');
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 401 && typeof window !== 'undefined' && !signingOut && !window.location.pathname.startsWith('/login')) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!res.ok) {
    const err = ApiErrorBody.safeParse(body);
    throw err.success
      ? new ApiError(err.data.error.message, res.status, err.data.error.code)
      : new ApiError(`phaseboard answered HTTP ${res.status}`, res.status, 'http');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(`unexpected answer from ${path}`, res.status, 'payload');
  return parsed.data;
}

export const FindingCounts = z.object({ open: z.number(), critical: z.number(), snoozed: z.number() });
export const FindingPage = z.object({ items: z.array(Finding), total: z.number(), counts: FindingCounts });
export type FindingPage = z.infer<typeof FindingPage>;

export const FindingDetail = z.object({
  finding: Finding,
  notes: z.array(FindingNote),
  playbookRuns: z.array(PlaybookRun),
  operation: Operation.nullable(),
  remedies: z.array(Remedy.extend({ description: z.string() })),
  /** every finding of its incident, first to last (empty when it is the only one) */
  incident: z.array(Finding.pick({ id: true, title: true, severity: true, status: true, since: true })),
});
export type FindingDetail = z.infer<typeof FindingDetail>;

export const DryRunView = z.object({
  playbook: z.object({ id: z.string(), title: z.string(), description: z.string() }),
  steps: z.array(StepPlan),
});
export type DryRunView = z.infer<typeof DryRunView>;

export const PlaybookRunAccepted = z.object({ run: PlaybookRun });

export const SessionView = z.object({
  principal: z.object({ kind: z.enum(['user', 'token', 'proxy']), name: z.string(), role: z.enum(['viewer', 'operator', 'admin']) }).nullable(),
  methods: z.object({ password: z.literal(true), oidc: z.object({ label: z.string() }).nullable() }),
});
export type SessionView = z.infer<typeof SessionView>;
