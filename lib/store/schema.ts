import 'server-only';
import type Database from 'libsql';
import { migrateTypedActors } from './migrate-typed-actors';

/**
 * Portable SQL (SQLite now, PostgreSQL later): no engine-specific types,
 * JSON kept as text, times as ISO-8601 text. Migrations run in order, each
 * once (SQLite's user_version counts them); a published one never changes.
 * A migration is SQL statements, or a function for one that rewrites the
 * JSON of existing rows.
 */
export type Migration = readonly string[] | ((db: Database.Database) => void);
const INITIAL = [
  `CREATE TABLE IF NOT EXISTS operations (
    id TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    engine TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    native_phase TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    native_id TEXT NOT NULL,
    gone INTEGER NOT NULL,
    ended_at TEXT,
    version BIGINT NOT NULL,
    data TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS operations_version ON operations (version)`,
  `CREATE INDEX IF NOT EXISTS operations_connection ON operations (connection_id, gone)`,
  `CREATE TABLE IF NOT EXISTS events (
    seq BIGINT PRIMARY KEY,
    operation_id TEXT NOT NULL,
    at TEXT NOT NULL,
    entry TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS events_operation ON events (operation_id, seq)`,
  `CREATE TABLE IF NOT EXISTS connections (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS action_runs (
    id TEXT PRIMARY KEY,
    operation_id TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    requested_at TEXT NOT NULL,
    data TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS action_runs_operation ON action_runs (operation_id, requested_at)`,
  `CREATE INDEX IF NOT EXISTS operations_ended ON operations (connection_id, ended_at)`,
  `CREATE TABLE IF NOT EXISTS findings (
    id TEXT PRIMARY KEY,
    finding_key TEXT NOT NULL,
    status TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    connection_id TEXT NOT NULL,
    operation_id TEXT,
    since TEXT NOT NULL,
    resolved_at TEXT,
    data TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS findings_key ON findings (finding_key, since)`,
  `CREATE INDEX IF NOT EXISTS findings_status ON findings (status, severity_rank, since)`,
  `CREATE INDEX IF NOT EXISTS findings_operation ON findings (operation_id)`,
  `CREATE TABLE IF NOT EXISTS finding_notes (
    id BIGINT PRIMARY KEY,
    finding_id TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS finding_notes_finding ON finding_notes (finding_id, id)`,
  `CREATE TABLE IF NOT EXISTS playbook_runs (
    id TEXT PRIMARY KEY,
    finding_id TEXT NOT NULL,
    operation_id TEXT,
    started_at TEXT NOT NULL,
    data TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS playbook_runs_finding ON playbook_runs (finding_id, started_at)`,
  `CREATE INDEX IF NOT EXISTS playbook_runs_operation ON playbook_runs (operation_id, started_at)`,
  `CREATE TABLE IF NOT EXISTS watches (
    operation_id TEXT PRIMARY KEY,
    data TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL,
    event_key TEXT NOT NULL,
    status TEXT NOT NULL,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (webhook_id, event_key)
  )`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_created ON webhook_deliveries (created_at)`,
  `CREATE TABLE IF NOT EXISTS connection_configs (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
  )`,
];

/**
 * Actions and playbooks: one running per operation (per finding) is a unique
 * index, so concurrent requests from any process cannot both reach the
 * engine; idempotency keys are scoped to (operation, action, actor) (the
 * actor column holds `actorKey` values since migration 4, as `actor_key`).
 */
const ONE_ACTIVE_RUN = [
  `CREATE TABLE action_runs_v2 (
    id TEXT PRIMARY KEY,
    operation_id TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    idempotency_key TEXT,
    request_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    data TEXT NOT NULL
  )`,
  // Runs left running by older versions cannot be followed any more.
  `INSERT INTO action_runs_v2 (id, operation_id, action, actor, idempotency_key, request_hash, status, requested_at, data)
   SELECT id, operation_id, json_extract(data, '$.action'), json_extract(data, '$.actor'), idempotency_key, '',
     CASE json_extract(data, '$.status') WHEN 'running' THEN 'interrupted' ELSE json_extract(data, '$.status') END,
     requested_at,
     CASE json_extract(data, '$.status') WHEN 'running' THEN json_set(data, '$.status', 'interrupted', '$.message', 'interrupted: phaseboard was upgraded while it ran') ELSE data END
   FROM action_runs`,
  `DROP TABLE action_runs`,
  `ALTER TABLE action_runs_v2 RENAME TO action_runs`,
  `CREATE INDEX action_runs_operation ON action_runs (operation_id, requested_at)`,
  `CREATE UNIQUE INDEX action_runs_key ON action_runs (operation_id, action, actor, idempotency_key) WHERE idempotency_key IS NOT NULL`,
  `CREATE UNIQUE INDEX action_runs_one_running ON action_runs (operation_id) WHERE status = 'running'`,
  `ALTER TABLE playbook_runs ADD COLUMN status TEXT NOT NULL DEFAULT 'succeeded'`,
  `UPDATE playbook_runs SET status = CASE json_extract(data, '$.status') WHEN 'running' THEN 'interrupted' ELSE json_extract(data, '$.status') END`,
  `UPDATE playbook_runs SET data = json_set(data, '$.status', 'interrupted') WHERE status = 'interrupted'`,
  `CREATE UNIQUE INDEX playbook_runs_one_running ON playbook_runs (finding_id) WHERE status = 'running'`,
];

/** Settings kept across restarts and replicas (the session signing secret), and API tokens, kept by hash. */
const AUTH = [
  `CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  )`,
  `CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    revoked_at TEXT,
    data TEXT NOT NULL
  )`,
  `CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL`,
  `CREATE UNIQUE INDEX api_tokens_live_hash ON api_tokens (token_hash) WHERE revoked_at IS NULL`,
  `CREATE INDEX api_tokens_hash ON api_tokens (token_hash)`,
];

/**
 * 4: typed actors. Records carry `Actor` values instead of names
 * (`action_runs.actor` becomes `actor_key`, `actorKey` of the actor), and
 * findings say how they were resolved (`resolvedBy`).
 */
const TYPED_ACTORS: Migration = migrateTypedActors;

/**
 * 5: a board that holds still. When an operation was first recorded and when
 * it ended, as store sequences: a page lists what existed at one sequence and
 * counts what came after (the "3 new" pill). Start and end as epoch ms, for
 * date ranges and the duration sort; the action it waits for (Needs you).
 */
const BOARD_ORDER = [
  `ALTER TABLE operations ADD COLUMN first_seq BIGINT`,
  `ALTER TABLE operations ADD COLUMN ended_seq BIGINT`,
  `ALTER TABLE operations ADD COLUMN started_ms BIGINT`,
  `ALTER TABLE operations ADD COLUMN ended_ms BIGINT`,
  `ALTER TABLE operations ADD COLUMN needs_you TEXT`,
  // Older rows: their last change is the best first-seen sequence there is.
  `UPDATE operations SET first_seq = version,
     ended_seq = CASE WHEN ended_at IS NULL THEN NULL ELSE version END,
     started_ms = CAST(ROUND((julianday(json_extract(data, '$.startedAt')) - 2440587.5) * 86400000) AS INTEGER),
     ended_ms = CASE WHEN ended_at IS NULL THEN NULL ELSE CAST(ROUND((julianday(ended_at) - 2440587.5) * 86400000) AS INTEGER) END`,
  `CREATE INDEX operations_started ON operations (started_ms)`,
  `CREATE INDEX operations_ended_ms ON operations (ended_ms)`,
  `CREATE INDEX operations_needs_you ON operations (needs_you) WHERE needs_you IS NOT NULL`,
];

/**
 * 6: throughput over time. One rate sample per operation every few seconds
 * while data moves (the operation's own row keeps only the latest rate), for
 * its chart and the per-connection aggregate on the board.
 */
const RATE_SAMPLES = [
  `CREATE TABLE rate_samples (
    operation_id TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    unit TEXT NOT NULL,
    done DOUBLE PRECISION NOT NULL,
    rate DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (operation_id, at_ms)
  )`,
  `CREATE INDEX rate_samples_at ON rate_samples (at_ms, connection_id)`,
];

/**
 * 7: one incident, one story. A finding's subject and the first finding of
 * its incident as columns, to find what came before on the same subject and
 * to list an incident's findings together.
 */
const INCIDENTS = [
  `ALTER TABLE findings ADD COLUMN subject_name TEXT`,
  `ALTER TABLE findings ADD COLUMN incident_id TEXT`,
  `UPDATE findings SET subject_name = json_extract(data, '$.subjectName')`,
  `CREATE INDEX findings_subject ON findings (connection_id, subject_name)`,
  `CREATE INDEX findings_incident ON findings (incident_id) WHERE incident_id IS NOT NULL`,
];

export const MIGRATIONS: readonly Migration[] = [INITIAL, ONE_ACTIVE_RUN, AUTH, TYPED_ACTORS, BOARD_ORDER, RATE_SAMPLES, INCIDENTS];
