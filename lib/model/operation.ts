import { z } from 'zod';
import { DetailValue, Related } from './details';

/** An engine's kind (ovirt, libvirt …): one module each under lib/engines/, listed in its registry. */
export const EngineKind = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'an engine kind such as ovirt or libvirt');
export type EngineKind = z.infer<typeof EngineKind>;

export const OperationKind = z.enum([
  'image_transfer',
  'live_migration',
  'cold_migration',
  'resize',
  'failover',
  'migration_cleanup',
  'block_copy',
  'block_pull',
  'block_commit',
  'volume_attachment',
  'volume_swap',
  'host_job',
  'instance_task',
]);
export type OperationKind = z.infer<typeof OperationKind>;

const KIND_LABELS: Record<OperationKind, string> = {
  image_transfer: 'Image transfer',
  live_migration: 'Live migration',
  cold_migration: 'Cold migration',
  resize: 'Resize',
  failover: 'Failover',
  migration_cleanup: 'Migration cleanup',
  block_copy: 'Block copy',
  block_pull: 'Block pull',
  block_commit: 'Block commit',
  volume_attachment: 'Volume attachment',
  volume_swap: 'Volume swap',
  host_job: 'Host job',
  instance_task: 'Instance task',
};

/** A kind as people read it: "Live migration", not live_migration. */
export function kindLabel(kind: string): string {
  return KIND_LABELS[kind as OperationKind] ?? kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/**
 * Normalized state. `ready` waits for an operator decision (a mirrored block
 * copy that can pivot); `unknown` is an engine word we do not recognise.
 */
export const OperationState = z.enum(['pending', 'running', 'ready', 'finalizing', 'paused', 'succeeded', 'failed', 'cancelled', 'unknown']);
export type OperationState = z.infer<typeof OperationState>;

export const TERMINAL_STATES: ReadonlySet<OperationState> = new Set(['succeeded', 'failed', 'cancelled']);

export function isTerminal(state: OperationState): boolean {
  return TERMINAL_STATES.has(state);
}

/** States in which the engine is actively changing something (poll fast). */
export function isInTransition(state: OperationState): boolean {
  return state === 'pending' || state === 'running' || state === 'finalizing' || state === 'unknown';
}

export const Subject = z.object({
  type: z.enum(['disk', 'vm', 'instance', 'volume', 'host']),
  id: z.string(),
  name: z.string(),
});
export type Subject = z.infer<typeof Subject>;

export const Progress = z.object({
  unit: z.enum(['bytes', 'percent']),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  /** units per second, smoothed over recent samples */
  rate: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** why it is not getting closer to the end, when it is not ("not converging"): no ETA is given then */
  stalled: z.string().nullable().default(null),
});
export type Progress = z.infer<typeof Progress>;

/** One step of a kind's pipeline (a transfer: transfer → finalize → verify → unlock), as far as the operation got. */
export const PipelineStep = z.object({
  key: z.string(),
  label: z.string(),
  status: z.enum(['done', 'current', 'pending', 'failed', 'skipped']),
  /** a word on the step now ("waits for you", "iteration 4") */
  note: z.string().optional(),
});
export type PipelineStep = z.infer<typeof PipelineStep>;

/** An action's name (finalize, pivot, set_bandwidth …): each engine says which its operations have, in describeActions. */
export const ActionName = z.string().regex(/^[a-z][a-z_]{0,31}$/, 'an action name such as finalize or pivot');
export type ActionName = z.infer<typeof ActionName>;

/** A value an action takes (a migration's new bandwidth), described so any UI can ask for it; the adapter checks it again. */
export const ActionParam = z.object({
  name: z.string(),
  label: z.string(),
  type: z.literal('integer'),
  unit: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  default: z.number().optional(),
});
export type ActionParam = z.infer<typeof ActionParam>;

export const ActionAvailability = z.object({
  name: ActionName,
  label: z.string(),
  enabled: z.boolean(),
  /** why the action is disabled now; shown beside the disabled button */
  reason: z.string().optional(),
  /** what will happen, shown in the confirmation dialog */
  effect: z.string(),
  dangerous: z.boolean(),
  /** the operation waits for this step and goes no further without it (a transfer at 100 % to finalize, a mirror to pivot): "Needs you" */
  awaited: z.boolean().optional(),
  /** words a person must type to confirm (a finalize that would leave the disk incomplete); absent for a plain yes */
  typedConfirmation: z.string().optional(),
  /** values the action takes; none for most */
  params: z.array(ActionParam).optional(),
});
export type ActionAvailability = z.infer<typeof ActionAvailability>;

/** Engine-specific facts worth showing (direction, disk status, bytes remaining); labels and units come from the engine's module (DetailSpecs). */
export const Details = z.record(z.string(), DetailValue);
export type Details = z.infer<typeof Details>;

export const Operation = z.object({
  /** `${connectionId}:${nativeId}`: stable across restarts of either side */
  id: z.string(),
  connectionId: z.string(),
  engine: EngineKind,
  nativeId: z.string(),
  kind: OperationKind,
  subject: Subject,
  nativePhase: z.string(),
  state: OperationState,
  progress: Progress.nullable(),
  details: Details,
  /** what else it involves: hosts, the other end of a copy, attachments, a parent job */
  related: z.array(Related).default([]),
  startedAt: z.string(),
  phaseChangedAt: z.string(),
  progressAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** the engine no longer lists it; the outcome was derived (see timeline) */
  gone: z.boolean(),
  /** one line saying how it ended, e.g. "finalized in 5.2 s" */
  outcome: z.string().nullable(),
  actions: z.array(ActionAvailability),
  /** its kind's steps, done, current and to come (empty when the engine describes none) */
  pipeline: z.array(PipelineStep).default([]),
  /** the step it waits for from an operator, if any (from the engine's awaited action) */
  needsYou: z.object({ action: ActionName, label: z.string() }).nullable().default(null),
  /** 1 for a first try; n for the n-th go at the same subject after earlier ones failed */
  attempt: z.number().int().positive().default(1),
  /** the first attempt's operation id, which names the group; null for a first attempt */
  attemptOf: z.string().nullable().default(null),
  /** store sequence of the last change; SSE ids are these */
  version: z.number().int().nonnegative(),
});
export type Operation = z.infer<typeof Operation>;

/** The step an operation waits for: its first enabled awaited action. */
export function needsYouOf(actions: readonly ActionAvailability[]): Operation['needsYou'] {
  const a = actions.find((x) => x.awaited && x.enabled);
  return a ? { action: a.name, label: a.label } : null;
}

export function operationId(connectionId: string, nativeId: string): string {
  return `${connectionId}:${nativeId}`;
}
