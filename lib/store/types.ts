import 'server-only';
import type { ActionRun } from '@/lib/model/action-run';
import type { Actor } from '@/lib/model/actor';
import type { EngineKind, Operation, OperationKind, OperationState } from '@/lib/model/operation';
import type { TimelineEntry, TimelineEvent } from '@/lib/model/timeline';
import type { Delivery, Watch } from '@/lib/model/delivery';
import type { Finding, FindingNote } from '@/lib/model/finding';
import type { PlaybookRun } from '@/lib/model/playbook-run';

export interface NewTimelineEntry {
  operationId: string;
  at: string;
  entry: TimelineEntry;
}

export const OPERATION_SORTS = ['started', 'ended', 'subject', 'engine', 'kind', 'state', 'duration'] as const;
export type OperationSort = (typeof OPERATION_SORTS)[number];

export interface OperationFilter {
  engine?: EngineKind;
  connection?: string;
  kind?: OperationKind;
  states?: OperationState[];
  /** matches subject name, native id and native phase */
  text?: string;
  /** started at or after, ms epoch */
  startedFrom?: number;
  /** started before, ms epoch */
  startedBefore?: number;
  /** only operations that wait for an operator's decision */
  needsYou?: boolean;
  /** live: not ended at `asOf`; history: ended by `asOf`; neither: all */
  view?: 'live' | 'history';
  /** the store sequence the page is as of (default: now); later operations are counted in `newer`, not listed */
  asOf?: number;
  sort?: OperationSort;
  dir?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface ConnectionStatus {
  id: string;
  engine: EngineKind;
  /** ok: last poll worked; degraded: polls fail and are retried with backoff */
  status: 'ok' | 'degraded' | 'starting';
  lastSuccessAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
}

/** A connection someone added from phaseboard: libvirt URIs carry no secret. */
export interface AddedConnection {
  id: string;
  engine: string;
  /** the connection as its engine's config schema takes it (no secret: only engines without one are addable) */
  config: Record<string, unknown>;
  addedBy: Actor;
  addedAt: string;
}

export interface StoreHealth {
  ok: boolean;
  /** the last commit's error, while commits fail */
  lastError: string | null;
  failingSince: string | null;
}

export interface FindingFilter {
  status?: Finding['status'];
  operationId?: string;
  limit: number;
  offset: number;
}

/** What the notifications store keeps. */
export interface NotifyStore {
  setWatch(operationId: string, by: Actor, watched: boolean, at: string): Promise<void>;
  listWatches(): Promise<Watch[]>;
  getWatch(operationId: string): Promise<Watch | null>;
  /** inserts unless this webhook already has the event; answers whether it did */
  addDelivery(d: Delivery): Promise<boolean>;
  saveDelivery(d: Delivery): Promise<void>;
  dueDeliveries(nowIso: string, limit: number): Promise<Delivery[]>;
  listDeliveries(limit: number): Promise<Delivery[]>;
}

/** Triage's records: findings, their journal, playbook runs. */
export interface TriageStore {
  saveFinding(finding: Finding): Promise<void>;
  getFinding(id: string): Promise<Finding | null>;
  /** the newest finding with this key, open or resolved */
  latestFinding(key: string): Promise<Finding | null>;
  /** open: most severe, then oldest first; resolved: most recently resolved first */
  listFindings(filter: FindingFilter): Promise<{ items: Finding[]; total: number }>;
  openFindings(connectionId: string): Promise<Finding[]>;
  /** the newest finding on a subject that is open or was resolved at or after `resolvedSince` (what a new one may follow on) */
  lastFindingOn(connectionId: string, subjectName: string, resolvedSince: string): Promise<Finding | null>;
  /** an incident's findings, first to last */
  incidentFindings(incidentId: string): Promise<Finding[]>;
  addFindingNote(note: FindingNote): Promise<void>;
  findingNotes(findingId: string): Promise<FindingNote[]>;
  /** throws conflict when another run of the same finding is running */
  savePlaybookRun(run: PlaybookRun): Promise<void>;
  runningPlaybookRuns(): Promise<PlaybookRun[]>;
  getPlaybookRun(id: string): Promise<PlaybookRun | null>;
  listPlaybookRuns(by: { findingId?: string; operationId?: string }): Promise<PlaybookRun[]>;
}

/** How fast one operation moved at one moment (units of its progress per second). */
export interface RateSample {
  atMs: number;
  done: number;
  rate: number;
}

/** One connection's summed byte rate over time, in fixed buckets. */
export interface ThroughputSeries {
  connectionId: string;
  /** [bucket start (epoch ms), bytes per second] */
  points: [number, number][];
}

/** Rate samples are kept at most this often per operation… */
export const RATE_SAMPLE_EVERY_MS = 2_000;
/** …and for this long. */
export const RATE_SAMPLES_KEPT_MS = 7 * 24 * 3600_000;

/**
 * History and current state. Every change gets the next value of one global
 * sequence: timeline events keep theirs, operations carry the last as
 * `version`, so "everything after N" is one query (SSE replay).
 */
export interface Store extends TriageStore, NotifyStore, AuthStore {
  commit(changes: { operations: Operation[]; entries: NewTimelineEntry[] }): Promise<{ operations: Operation[]; events: TimelineEvent[] }>;
  getOperation(id: string): Promise<Operation | null>;
  /** an operation's rate over time, oldest first (the last `limit` samples) */
  rateSamples(operationId: string, limit?: number): Promise<{ unit: 'bytes' | 'percent' | null; samples: RateSample[] }>;
  /** bytes per second per connection since `sinceMs`, summed over operations, averaged within buckets of `bucketMs` */
  throughput(sinceMs: number, bucketMs: number): Promise<ThroughputSeries[]>;
  listOperations(filter: OperationFilter): Promise<{ items: Operation[]; total: number; asOf: number; newer: number }>;
  /** the kinds of operation recorded so far */
  operationKinds(): Promise<OperationKind[]>;
  /** operations of a connection the engine still listed at last look */
  trackedOperations(connectionId: string): Promise<Operation[]>;
  /** operations of one kind on one subject (by name) of a connection, newest first: attempts are found here */
  operationsOnSubject(connectionId: string, kind: Operation['kind'], subjectName: string, limit?: number): Promise<Operation[]>;
  /** operations of a connection that ended (or were last seen) at or after the given time, newest first */
  endedOperations(connectionId: string, sinceIso: string, limit?: number): Promise<Operation[]>;
  timeline(operationId: string): Promise<TimelineEvent[]>;
  /** timeline events and operation versions after seq, oldest first */
  changesSince(seq: number, limit: number): Promise<{ events: TimelineEvent[]; operations: Operation[] }>;
  lastSeq(): Promise<number>;
  saveConnectionStatus(status: ConnectionStatus): Promise<void>;
  /** connections added from the UI (kept across restarts; the config file's own are not here) */
  saveConnectionConfig(c: AddedConnection): Promise<void>;
  listConnectionConfigs(): Promise<AddedConnection[]>;
  deleteConnectionConfig(id: string): Promise<void>;
  listConnectionStatus(): Promise<ConnectionStatus[]>;
  /**
   * Inserts a running run, or returns the one with the same idempotency key
   * (same operation, action, actor: `actorKey`). Throws conflict when another run is
   * still running on the operation, unprocessable when the key was used for
   * a different request.
   */
  createActionRun(run: ActionRun): Promise<{ run: ActionRun; created: boolean }>;
  finishActionRun(id: string, status: 'succeeded' | 'failed' | 'interrupted', message: string, at: string): Promise<void>;
  /** releases a claim that never reached the engine (its fresh check refused it) */
  deleteActionRun(id: string): Promise<void>;
  /** runs still marked running (after a crash: none of them is really running) */
  runningActionRuns(): Promise<ActionRun[]>;
  listActionRuns(operationId: string): Promise<ActionRun[]>;
  /** action runs of a connection's operations requested at or after the given time */
  recentActionRuns(connectionId: string, sinceIso: string): Promise<ActionRun[]>;
  /** recent timelines of operations of one kind, grouped by operation (phase durations are learned from them) */
  recentTimelines(kind: Operation['kind'], limitEvents: number): Promise<TimelineEvent[][]>;
  /** whether the last commit worked (health reports a store that cannot write) */
  health(): StoreHealth;
  close(): Promise<void>;
}

/** An API token as stored: only the hash of its secret is kept. */
export interface ApiToken {
  id: string;
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  /** phaseboard itself for the provisioned token */
  createdBy: Actor;
  createdAt: string;
  /** null: never expires */
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** made from PHASEBOARD_ADMIN_TOKEN at startup (not managed from the UI) */
  provisioned: boolean;
}

/** Settings and API tokens. */
export interface AuthStore {
  /** the value under key, storing `value` first if there is none (first writer wins, across replicas) */
  settingOrInit(key: string, value: string): Promise<string>;
  /** throws conflict when a live token has the name */
  createApiToken(token: ApiToken, tokenHash: string): Promise<void>;
  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null>;
  listApiTokens(): Promise<ApiToken[]>;
  /** marks it revoked; answers whether a live token was revoked */
  revokeApiToken(id: string, at: string): Promise<boolean>;
  touchApiToken(id: string, at: string): Promise<void>;
  /** the database as better-auth takes it */
  authDatabase(): import('better-auth').BetterAuthOptions['database'];
}
