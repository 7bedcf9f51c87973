import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { Operation, OperationKind } from '@/lib/model/operation';
import { TimelineEntry, type TimelineEvent } from '@/lib/model/timeline';
import { AppError } from '@/lib/errors/app-error';
import { MIGRATIONS } from './schema';
import { Where } from './sql-where';
import { isUniqueViolation } from './sqlite-errors';
import { sqliteAuthStore } from './sqlite-auth';
import { sqliteNotifyStore } from './sqlite-notify';
import { sqliteRateStore } from './sqlite-rates';
import { sqliteTriageStore } from './sqlite-triage';
import { type AddedConnection, type ConnectionStatus, type OperationFilter, type OperationSort, type Store, type StoreHealth } from './types';
import { requestedByLabel, type ActionRun } from '@/lib/model/action-run';
import { actorKey } from '@/lib/model/actor';

type Row = Record<string, unknown>;

/**
 * The embedded store: SQLite through libsql (prebuilt, no server), WAL mode.
 * Writes are synchronous under the hood; one process owns the file.
 */
export function openSqliteStore(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'phaseboard.db'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  migrate(db);

  const maxSeq = (sql: string) => Number((db.prepare(sql).get() as Row | undefined)?.m ?? 0);
  let seq = Math.max(maxSeq('SELECT MAX(seq) AS m FROM events'), maxSeq('SELECT MAX(version) AS m FROM operations'));

  const upsertOp = db.prepare(
    `INSERT INTO operations (id, connection_id, engine, kind, state, native_phase, subject_name, native_id, gone, ended_at, version, data,
       first_seq, ended_seq, started_ms, ended_ms, needs_you)
     VALUES (@id, @connection_id, @engine, @kind, @state, @native_phase, @subject_name, @native_id, @gone, @ended_at, @version, @data,
       @version, CASE WHEN @ended_at IS NULL THEN NULL ELSE @version END, @started_ms, @ended_ms, @needs_you)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, native_phase = excluded.native_phase,
       subject_name = excluded.subject_name, gone = excluded.gone, ended_at = excluded.ended_at,
       version = excluded.version, data = excluded.data, started_ms = excluded.started_ms, ended_ms = excluded.ended_ms,
       needs_you = excluded.needs_you,
       ended_seq = CASE WHEN excluded.ended_at IS NULL THEN NULL ELSE COALESCE(operations.ended_seq, excluded.version) END`,
  );
  const insertEvent = db.prepare('INSERT INTO events (seq, operation_id, at, entry) VALUES (?, ?, ?, ?)');
  const rates = sqliteRateStore(db);

  const toOp = (r: Row) => Operation.parse(JSON.parse(String(r.data)));
  const toEvent = (r: Row): TimelineEvent => ({
    seq: Number(r.seq),
    operationId: String(r.operation_id),
    at: String(r.at),
    entry: TimelineEntry.parse(JSON.parse(String(r.entry))),
  });

  let health: StoreHealth = { ok: true, lastError: null, failingSince: null };
  const toRun = (r: Row) => JSON.parse(String(r.data)) as ActionRun;
  const findByKey = db.prepare('SELECT data FROM action_runs WHERE operation_id = ? AND action = ? AND actor_key = ? AND idempotency_key = ?');
  const findRunning = db.prepare("SELECT data FROM action_runs WHERE operation_id = ? AND status = 'running'");
  const insertRun = db.prepare(
    'INSERT INTO action_runs (id, operation_id, action, actor_key, idempotency_key, request_hash, status, requested_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  /** the earlier run with this key, else a new one, unless another runs: all in one transaction */
  const createRunTx = db.transaction((run: ActionRun): { run: ActionRun; created: boolean } => {
    if (run.idempotencyKey) {
      const earlier = findByKey.get(run.operationId, run.action, actorKey(run.actor), run.idempotencyKey) as Row | undefined;
      if (earlier) {
        const first = toRun(earlier);
        if (first.requestHash !== run.requestHash) {
          throw new AppError(
            'unprocessable',
            `Idempotency-Key "${run.idempotencyKey}" was already used for a different ${run.action} request on this operation`,
            { field: 'Idempotency-Key' },
          );
        }
        return { run: first, created: false };
      }
    }
    const busy = findRunning.get(run.operationId) as Row | undefined;
    if (busy) {
      const other = toRun(busy);
      throw new AppError(
        'conflict',
        `another action is running on this operation: ${other.action} requested by ${requestedByLabel(other)} at ${other.requestedAt}; wait for it to end`,
      );
    }
    insertRun.run(
      run.id,
      run.operationId,
      run.action,
      actorKey(run.actor),
      run.idempotencyKey,
      run.requestHash,
      run.status,
      run.requestedAt,
      JSON.stringify(run),
    );
    return { run, created: true };
  });

  const commitTx = db.transaction((ops: Operation[], entries: Parameters<Store['commit']>[0]['entries']) => {
    const events: TimelineEvent[] = entries.map((e) => {
      seq += 1;
      insertEvent.run(seq, e.operationId, e.at, JSON.stringify(e.entry));
      return { seq, ...e };
    });
    const saved = ops.map((op) => {
      seq += 1;
      const v = { ...op, version: seq };
      upsertOp.run({
        id: v.id,
        connection_id: v.connectionId,
        engine: v.engine,
        kind: v.kind,
        state: v.state,
        native_phase: v.nativePhase,
        subject_name: v.subject.name,
        native_id: v.nativeId,
        gone: v.gone ? 1 : 0,
        ended_at: v.endedAt,
        version: v.version,
        data: JSON.stringify(v),
        started_ms: Date.parse(v.startedAt),
        ended_ms: v.endedAt ? Date.parse(v.endedAt) : null,
        needs_you: v.needsYou?.action ?? null,
      });
      rates.sample(v);
      return v;
    });
    return { operations: saved, events };
  });

  return {
    ...sqliteTriageStore(db),
    ...sqliteNotifyStore(db),
    ...sqliteAuthStore(db),
    rateSamples: rates.rateSamples,
    throughput: rates.throughput,

    async commit({ operations, entries }) {
      const before = seq;
      try {
        const saved = commitTx(operations, entries);
        health = { ok: true, lastError: null, failingSince: null };
        return saved;
      } catch (e) {
        seq = before; // the transaction rolled back; so do the sequence numbers
        health = { ok: false, lastError: String((e as Error).message ?? e), failingSince: health.failingSince ?? new Date().toISOString() };
        throw e;
      }
    },

    health() {
      return health;
    },

    async getOperation(id) {
      const r = db.prepare('SELECT data FROM operations WHERE id = ?').get(id) as Row | undefined;
      return r ? toOp(r) : null;
    },

    async listOperations(f: OperationFilter) {
      // A view lists what existed at `asOf`, so rows neither appear nor vanish under the reader; what came later is only counted.
      const asOf = Math.min(f.asOf ?? seq, seq);
      const listed = operationWhere(f);
      const later = operationWhere(f);
      if (f.view === 'live') {
        listed.add('first_seq <= ? AND (ended_seq IS NULL OR ended_seq > ?)', asOf, asOf);
        later.add('first_seq > ?', asOf);
      } else if (f.view === 'history') {
        listed.add('ended_seq <= ?', asOf);
        later.add('ended_seq > ?', asOf);
      } else {
        listed.add('first_seq <= ?', asOf);
        later.add('first_seq > ?', asOf);
      }
      const count = (w: Where) => Number((db.prepare(`SELECT COUNT(*) AS n FROM operations ${w.sql}`).get(...w.args) as Row).n);
      const order = orderBy(f, Date.now());
      const rows = db
        .prepare(`SELECT data FROM operations ${listed.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`)
        .all(...listed.args, ...order.args, f.limit, f.offset) as Row[];
      return { items: rows.map(toOp), total: count(listed), asOf, newer: count(later) };
    },

    async operationKinds() {
      const rows = db.prepare('SELECT DISTINCT kind FROM operations ORDER BY kind').all() as Row[];
      return rows.map((r) => OperationKind.parse(r.kind));
    },

    async trackedOperations(connectionId) {
      const rows = db.prepare('SELECT data FROM operations WHERE connection_id = ? AND gone = 0').all(connectionId) as Row[];
      return rows.map(toOp);
    },

    async operationsOnSubject(connectionId, kind, subjectName, limit = 50) {
      const rows = db
        .prepare('SELECT data FROM operations WHERE connection_id = ? AND kind = ? AND subject_name = ? ORDER BY version DESC LIMIT ?')
        .all(connectionId, kind, subjectName, limit) as Row[];
      return rows.map(toOp);
    },

    async endedOperations(connectionId, sinceIso, limit = 500) {
      const rows = db
        .prepare('SELECT data FROM operations WHERE connection_id = ? AND ended_at IS NOT NULL AND ended_at >= ? ORDER BY ended_at DESC LIMIT ?')
        .all(connectionId, sinceIso, limit) as Row[];
      return rows.map(toOp);
    },

    async timeline(operationId) {
      return (db.prepare('SELECT * FROM events WHERE operation_id = ? ORDER BY seq').all(operationId) as Row[]).map(toEvent);
    },

    async changesSince(since, limit) {
      const events = (db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(since, limit) as Row[]).map(toEvent);
      const operations = (db.prepare('SELECT data FROM operations WHERE version > ? ORDER BY version LIMIT ?').all(since, limit) as Row[]).map(toOp);
      return { events, operations };
    },

    async lastSeq() {
      return seq;
    },

    async saveConnectionStatus(s: ConnectionStatus) {
      db.prepare('INSERT INTO connections (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data').run(s.id, JSON.stringify(s));
    },

    async saveConnectionConfig(c) {
      db.prepare('INSERT INTO connection_configs (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data').run(c.id, JSON.stringify(c));
    },

    async listConnectionConfigs() {
      return (db.prepare('SELECT data FROM connection_configs ORDER BY id').all() as Row[]).map((r) => {
        const c = JSON.parse(String(r.data)) as AddedConnection & { uri?: string; storageDirs?: string[] };
        // Kept before engine modules: a libvirt URI beside the id.
        return c.config ? c : { ...c, config: { id: c.id, engine: c.engine, uri: c.uri, ...(c.storageDirs ? { storageDirs: c.storageDirs } : {}) } };
      });
    },

    async deleteConnectionConfig(id) {
      db.prepare('DELETE FROM connection_configs WHERE id = ?').run(id);
      db.prepare('DELETE FROM connections WHERE id = ?').run(id);
    },

    async listConnectionStatus() {
      return (db.prepare('SELECT data FROM connections ORDER BY id').all() as Row[]).map((r) => JSON.parse(String(r.data)) as ConnectionStatus);
    },

    async createActionRun(run: ActionRun) {
      try {
        return createRunTx(run);
      } catch (e) {
        // Another process won the race between our look and our insert: look again.
        if (isUniqueViolation(e)) return createRunTx(run);
        throw e;
      }
    },

    async finishActionRun(id, status, message, at) {
      const r = db.prepare('SELECT data FROM action_runs WHERE id = ?').get(id) as Row | undefined;
      if (!r) return;
      const run = { ...(JSON.parse(String(r.data)) as ActionRun), status, message, finishedAt: at };
      db.prepare('UPDATE action_runs SET status = ?, data = ? WHERE id = ?').run(status, JSON.stringify(run), id);
    },

    async deleteActionRun(id) {
      db.prepare('DELETE FROM action_runs WHERE id = ?').run(id);
    },

    async runningActionRuns() {
      return (db.prepare("SELECT data FROM action_runs WHERE status = 'running' ORDER BY requested_at").all() as Row[]).map(toRun);
    },

    async listActionRuns(operationId) {
      const rows = db.prepare('SELECT data FROM action_runs WHERE operation_id = ? ORDER BY requested_at DESC').all(operationId) as Row[];
      return rows.map(toRun);
    },

    async recentActionRuns(connectionId, sinceIso) {
      const prefix = `${connectionId}:`.replace(/[\\%_]/g, (c) => `\\${c}`);
      const rows = db
        .prepare("SELECT data FROM action_runs WHERE operation_id LIKE ? ESCAPE '\\' AND requested_at >= ? ORDER BY requested_at")
        .all(`${prefix}%`, sinceIso) as Row[];
      return rows.map(toRun);
    },

    async recentTimelines(kind, limitEvents) {
      const rows = db
        .prepare('SELECT e.* FROM events e JOIN operations o ON o.id = e.operation_id WHERE o.kind = ? ORDER BY e.seq DESC LIMIT ?')
        .all(kind, limitEvents) as Row[];
      const byOp = new Map<string, TimelineEvent[]>();
      for (const r of rows.reverse()) {
        const ev = toEvent(r);
        byOp.set(ev.operationId, [...(byOp.get(ev.operationId) ?? []), ev]);
      }
      return [...byOp.values()];
    },

    async close() {
      db.close();
    },
  };
}

/** Runs the migrations this file has not seen yet, each in its own transaction. */
/** The filters every view shares (engine, kind, state, text, start range, needs-you). */
function operationWhere(f: OperationFilter): Where {
  const where = new Where();
  if (f.engine) where.add('engine = ?', f.engine);
  if (f.connection) where.add('connection_id = ?', f.connection);
  if (f.kind) where.add('kind = ?', f.kind);
  if (f.states && f.states.length > 0) where.add(`state IN (${f.states.map(() => '?').join(', ')})`, ...f.states);
  if (f.text) {
    const like = `%${f.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.add("(LOWER(subject_name) LIKE ? ESCAPE '\\' OR LOWER(native_id) LIKE ? ESCAPE '\\' OR LOWER(native_phase) LIKE ? ESCAPE '\\')", like, like, like);
  }
  if (f.startedFrom !== undefined) where.add('started_ms >= ?', f.startedFrom);
  if (f.startedBefore !== undefined) where.add('started_ms < ?', f.startedBefore);
  if (f.needsYou) where.add('needs_you IS NOT NULL');
  return where;
}

const SORT_COLUMNS: Record<OperationSort, string> = {
  started: 'started_ms',
  ended: 'ended_ms',
  subject: 'subject_name COLLATE NOCASE',
  engine: 'connection_id',
  kind: 'kind',
  state: 'state',
  duration: 'COALESCE(ended_ms, ?) - started_ms',
};

/** A stable order: the chosen column, then the id, so equal keys never swap places between refreshes. */
function orderBy(f: OperationFilter, now: number): { sql: string; args: unknown[] } {
  const sort = f.sort ?? (f.view === 'history' ? 'ended' : 'started');
  const dir = f.dir ?? (sort === 'subject' || sort === 'engine' || sort === 'kind' || sort === 'state' ? 'asc' : 'desc');
  const d = dir === 'asc' ? 'ASC' : 'DESC';
  return { sql: `${SORT_COLUMNS[sort]} ${d}, id ${d}`, args: sort === 'duration' ? [now] : [] };
}

function migrate(db: Database.Database): void {
  const done = Number((db.prepare('PRAGMA user_version').get() as Row).user_version ?? 0);
  MIGRATIONS.forEach((migration, i) => {
    if (i < done) return;
    db.transaction(() => {
      if (typeof migration === 'function') migration(db);
      else for (const sql of migration) db.exec(sql);
      db.exec(`PRAGMA user_version = ${i + 1}`);
    })();
  });
}
