/**
 * Portable SQL (SQLite now, PostgreSQL later): no engine-specific types,
 * JSON kept as text, times as ISO-8601 text.
 */
export const SCHEMA = [
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
