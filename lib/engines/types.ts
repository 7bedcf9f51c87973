import 'server-only';
import type { ActionAvailability, ActionName, EngineKind, Operation } from '@/lib/model/operation';
import type { OperationSnapshot, Resolution } from '@/lib/model/snapshot';

/** Optional capabilities an adapter declares up front. */
export interface AdapterCapabilities {
  /** the engine pushes changes; subscribe() is implemented */
  push: boolean;
}

export interface ActionRequest {
  action: ActionName;
  params: Record<string, unknown>;
  /** sent to the engine so its logs tie back to our audit record */
  correlationId: string;
  /** each progress line becomes an action_log timeline entry */
  log: (message: string) => void;
  signal?: AbortSignal;
}

export interface ActionResult {
  ok: boolean;
  message: string;
  /** a final outcome the action established (e.g. finalize: "finalized in 5.2 s") */
  resolution?: Resolution;
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
  /** every operation the engine lists now, in one batched call */
  listOperations(): Promise<OperationSnapshot[]>;
  /** one operation fresh from the engine, or null when it is gone */
  getOperation(nativeId: string): Promise<OperationSnapshot | null>;
  /** the outcome of an operation the engine stopped listing, from its subject */
  resolveVanished(op: Operation): Promise<Resolution>;
  /** which actions are possible in this state, with reasons when not */
  describeActions(op: Pick<Operation, 'kind' | 'nativePhase' | 'state' | 'gone' | 'details'>): ActionAvailability[];
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
  /** pushes: calls onChange when the engine says something moved (poll now) */
  subscribe?(onChange: () => void): () => void;
  close(): Promise<void>;
}
