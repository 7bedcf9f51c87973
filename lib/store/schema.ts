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
];
