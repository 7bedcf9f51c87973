import 'server-only';
import type { OperationKind, OperationState } from '@/lib/model/operation';

/**
 * Each feature's microversions: `min` is the first that has it, `want` the
 * one phaseboard asks for (the newest shape it reads). A cloud below `min`
 * goes without the feature; one between sends its own maximum.
 */
export const COMPUTE_FEATURES = {
  /** GET /os-migrations: migration_type from 2.23, paging and changes-since from 2.59, user/project from 2.80 */
  listMigrations: { min: '2.1', want: '2.80' },
  /** changes-since and limit/marker on os-migrations */
  migrationsSince: { min: '2.59', want: '2.80' },
  /** GET /servers/{id}/migrations/{mid}: memory and disk bytes of a running live migration */
  migrationDetail: { min: '2.23', want: '2.80' },
  /** POST …/migrations/{mid}/action force_complete */
  forceComplete: { min: '2.22', want: '2.22' },
  /** DELETE /servers/{id}/migrations/{mid}: running from 2.24, queued/preparing from 2.65 */
  abort: { min: '2.24', want: '2.65' },
  abortQueued: { min: '2.65', want: '2.65' },
  /** os-migrateLive: block_migration "auto" and no disk_over_commit from 2.25 */
  liveMigrate: { min: '2.1', want: '2.30' },
  liveMigrateAuto: { min: '2.25', want: '2.30' },
  /** {"migrate": {"host": …}} names a target from 2.56 */
  coldMigrate: { min: '2.1', want: '2.56' },
  coldMigrateHost: { min: '2.56', want: '2.56' },
  servers: { min: '2.1', want: '2.1' },
  /** instance action events carry `details` (why it failed) from 2.84 */
  instanceActions: { min: '2.1', want: '2.84' },
  services: { min: '2.1', want: '2.53' },
} as const;

export const VOLUME_FEATURES = {
  /** the attachments API (reserved → attaching → attached) */
  attachments: { min: '3.27', want: '3.70' },
  volumes: { min: '3.0', want: '3.70' },
} as const;

export type ComputeFeature = keyof typeof COMPUTE_FEATURES;
export type VolumeFeature = keyof typeof VOLUME_FEATURES;

/** Nova's migration_type → our kind (evacuations are rebuilds elsewhere: a cold move). */
export const MIGRATION_KINDS: Record<string, OperationKind> = {
  'live-migration': 'live_migration',
  migration: 'cold_migration',
  resize: 'resize',
  evacuation: 'cold_migration',
};

/**
 * Nova's migration statuses → ours (seed 002: `accepted` is in progress).
 * `finished` waits for confirm or revert; `reverted` undoes the move, as a cancel does.
 */
export const MIGRATION_STATES: Record<string, OperationState> = {
  accepted: 'pending',
  queued: 'pending',
  preparing: 'pending',
  'pre-migrating': 'running',
  migrating: 'running',
  running: 'running',
  'post-migrating': 'running',
  finished: 'ready',
  confirming: 'finalizing',
  reverting: 'finalizing',
  completed: 'succeeded',
  confirmed: 'succeeded',
  done: 'succeeded',
  reverted: 'cancelled',
  cancelled: 'cancelled',
  error: 'failed',
  failed: 'failed',
};

/** Cinder attachment statuses → ours; `attached` is where an attach ends. */
export const ATTACHMENT_STATES: Record<string, OperationState> = {
  reserved: 'pending',
  attaching: 'running',
  attached: 'succeeded',
  detaching: 'running',
  detached: 'succeeded',
  error_attaching: 'failed',
  error_detaching: 'failed',
};

/** Ended migrations stay listed this long after their last change (Nova keeps them for ever). */
export const RECENT_MIGRATION_MS = 60 * 60_000;
/** os-migrations page size when paging (2.59+) */
export const MIGRATIONS_PAGE = 500;
export const MAX_MIGRATION_PAGES = 1000;
/** the whole os-migrations list is read again this often: changes-since misses records that never moved (updated_at null) */
export const FULL_LIST_EVERY_MS = 60_000;
/** an instance's migrating/resize_* task shows as its own operation only this long after it began without a record (a record follows within seconds) */
export const TASK_WITHOUT_RECORD_MS = 60_000;
/** the task states of a move, which a migration record explains */
export const MIGRATION_TASKS = /^(migrating|resize_.*)$/;
/** changes-since looks back this far past the newest change seen: Nova's times have whole seconds, and clocks drift */
export const CHANGES_SKEW_MS = 2_000;

/** A task, attachment or unstarted move unchanged this long is stuck: Nova and Cinder finish or start these in seconds to minutes. */
export const STUCK_AFTER_MS = 10 * 60_000;
/** Record statuses before any compute acted: a move that stays in one was never picked up (a lost message, seed 002). */
export const NOT_STARTED = new Set(['accepted', 'queued', 'pre-migrating']);

/**
 * Since when the engine says an operation has been as it is: Nova's
 * updated_at (record or instance), Cinder's volume updated_at, or the
 * record's created_at (a record no service touched has no updated_at), else
 * when phaseboard saw the phase begin.
 */
export function engineSince(op: { details: Record<string, unknown>; startedAt: string | null; phaseChangedAt: string }): number {
  for (const said of [op.details.updatedAt, op.details.volumeUpdatedAt, op.details.createdAt]) {
    const t = typeof said === 'string' && said ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(said) ? said : `${said}Z`) : NaN;
    if (!Number.isNaN(t)) return t;
  }
  return op.startedAt ? Date.parse(op.startedAt) : Date.parse(op.phaseChangedAt);
}
