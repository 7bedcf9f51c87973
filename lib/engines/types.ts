import 'server-only';
import type { ActionAvailability, ActionName, EngineKind, Operation, PipelineStep, Progress } from '@/lib/model/operation';
import type { OperationSnapshot, Resolution } from '@/lib/model/snapshot';
import type { TimelineEntry } from '@/lib/model/timeline';

/** Optional capabilities an adapter declares up front. */

/** What an engine decides its actions from: the operation as it is now (a fresh look, before an action is sent). */
export type ActionView = Pick<Operation, 'kind' | 'nativePhase' | 'state' | 'gone' | 'details' | 'subject'> & {
  progress: Pick<Progress, 'unit' | 'done' | 'total'> | null;
};

export interface AdapterCapabilities {
  /** the engine pushes changes; subscribe() is implemented */
  push: boolean;
}

/**
 * Something the engine said that decides an outcome (an event), for the
 * operations whose native id starts with `nativeIdPrefix`. The collector
 * records it in their timelines; resolveVanished reads it back.
 */
export interface EngineFact {
  nativeIdPrefix: string;
  data: Record<string, string | number | boolean | null>;
  /** one line for the timeline */
  text: string;
}

/** What an adapter may read when it decides how an operation ended: the operation's own recorded history. */
export interface ResolveContext {
  history: readonly TimelineEntry[];
  /** how long the engine has not listed it (the poller retries while an adapter asks to wait) */
  missingForMs: number;
}

export interface ActionRequest {
  action: ActionName;
  params: Record<string, unknown>;
  /** sent to the engine so its logs tie back to our audit record */
  correlationId: string;
  /** each progress line becomes an action_log timeline entry */
  log: (message: string) => void;
  /** the operation's recorded history, read fresh (engine facts and earlier actions) */
  history(): Promise<readonly TimelineEntry[]>;
  signal?: AbortSignal;
}

export interface ActionResult {
  ok: boolean;
  message: string;
  /** a final outcome the action established (e.g. finalize: "finalized in 5.2 s") */
  resolution?: Resolution;
}

/** What a cheap look at the engine says: whether anything changed since the cursor it was given, and the cursor for next time. */
export interface ChangeCheck {
  changed: boolean;
  cursor: string;
}

export interface EngineInfo {
  product: string;
  version: string;
}

/**
 * What every engine implements. Adapters return data or throw an AppError;
 * they never write the store or publish (the collector records what they return).
 */
export interface EngineAdapter {
  readonly engine: EngineKind;
  readonly capabilities: AdapterCapabilities;
  /** every operation the engine lists now, in one batched call; `known` are the ones phaseboard tracks (ids to keep, what was seen before) */
  listOperations(ctx?: { known: readonly Operation[] }): Promise<OperationSnapshot[]>;
  /** one operation fresh from the engine, or null when it is gone */
  getOperation(nativeId: string): Promise<OperationSnapshot | null>;
  /** the outcome of an operation the engine stopped listing, from its subject and its recorded history; AppError `unavailable` asks to wait */
  resolveVanished(op: Operation, ctx: ResolveContext): Promise<Resolution>;
  /** which actions are possible in this state, with reasons when not */
  describeActions(op: ActionView): ActionAvailability[];
  /** the steps of its kind (transfer → finalize → verify → unlock …), each done, current, pending, failed or skipped */
  describePipeline?(op: ActionView & Pick<Operation, 'outcome'>): PipelineStep[];
  /** throws invalid_input naming the bad parameter, before anything is sent */
  checkParams?(action: ActionName, params: Record<string, unknown>): void;
  /** performs an action; preconditions are checked against the engine first */
  performAction(op: Operation, request: ActionRequest): Promise<ActionResult>;
  /** the engine's product and version, for support bundles */
  describeEngine?(): Promise<EngineInfo>;
  /** what work can be started on (libvirt: domains and their disks), in a shape its engine's UI part reads; absent when nothing can */
  inventory?(): Promise<unknown>;
  /** starts a new operation; params are checked by the adapter (invalid_input names the field) */
  start?(kind: string, params: unknown, log: (line: string) => void): Promise<{ message: string; warnings: string[] }>;
  /**
   * One cheap engine call that says whether anything changed since `cursor`
   * (null: no cursor yet, which counts as changed). While nothing is in
   * transition the poller asks this about every second and lists everything
   * only when it says changed, so a new operation shows within about a second
   * for one small request instead of waiting for the slow poll.
   */
  changedSince?(cursor: string | null): Promise<ChangeCheck>;
  /** pushes: calls onChange when the engine says something moved (poll now), and onFact for what decides outcomes */
  subscribe?(onChange: () => void, onFact?: (fact: EngineFact) => void): () => void;
  close(): Promise<void>;
}
