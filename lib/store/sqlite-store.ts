import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { Operation } from '@/lib/model/operation';
import { TimelineEntry, type TimelineEvent } from '@/lib/model/timeline';
import { SCHEMA } from './schema';
import { sqliteNotifyStore } from './sqlite-notify';
import { sqliteTriageStore } from './sqlite-triage';
import type { ActionRun, AddedConnection, ConnectionStatus, OperationFilter, Store } from './types';

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
  for (const sql of SCHEMA) db.exec(sql);

  const maxSeq = (sql: string) => Number((db.prepare(sql).get() as Row | undefined)?.m ?? 0);
  let seq = Math.max(maxSeq('SELECT MAX(seq) AS m FROM events'), maxSeq('SELECT MAX(version) AS m FROM operations'));

  const upsertOp = db.prepare(
    `INSERT INTO operations (id, connection_id, engine, kind, state, native_phase, subject_name, native_id, gone, ended_at, version, data)
     VALUES (@id, @connection_id, @engine, @kind, @state, @native_phase, @subject_name, @native_id, @gone, @ended_at, @version, @data)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, native_phase = excluded.native_phase,
       subject_name = excluded.subject_name, gone = excluded.gone, ended_at = excluded.ended_at,
       version = excluded.version, data = excluded.data`,
  );
  const insertEvent = db.prepare('INSERT INTO events (seq, operation_id, at, entry) VALUES (?, ?, ?, ?)');

  const toOp = (r: Row) => Operation.parse(JSON.parse(String(r.data)));
  const toEvent = (r: Row): TimelineEvent => ({
    seq: Number(r.seq),
    operationId: String(r.operation_id),
    at: String(r.at),
    entry: TimelineEntry.parse(JSON.parse(String(r.entry))),
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
      });
      return v;
    });
    return { operations: saved, events };
  });

  return {
    ...sqliteTriageStore(db),
    ...sqliteNotifyStore(db),

    async commit({ operations, entries }) {
      const before = seq;
      try {
        return commitTx(operations, entries);
      } catch (e) {
        seq = before; // the transaction rolled back; so do the sequence numbers
        throw e;
      }
    },

    async getOperation(id) {
      const r = db.prepare('SELECT data FROM operations WHERE id = ?').get(id) as Row | undefined;
      return r ? toOp(r) : null;
    },

    async listOperations(f: OperationFilter) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (f.engine) (where.push('engine = ?'), args.push(f.engine));
      if (f.kind) (where.push('kind = ?'), args.push(f.kind));
      if (f.states && f.states.length > 0) {
        where.push(`state IN (${f.states.map(() => '?').join(', ')})`);
        args.push(...f.states);
      }
      if (f.text) {
        where.push("(LOWER(subject_name) LIKE ? ESCAPE '\\' OR LOWER(native_id) LIKE ? ESCAPE '\\' OR LOWER(native_phase) LIKE ? ESCAPE '\\')");
        const like = `%${f.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        args.push(like, like, like);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = Number((db.prepare(`SELECT COUNT(*) AS n FROM operations ${clause}`).get(...args) as Row).n);
      // Live operations first, then the most recently changed.
      const rows = db
        .prepare(`SELECT data FROM operations ${clause} ORDER BY (ended_at IS NULL) DESC, version DESC LIMIT ? OFFSET ?`)
        .all(...args, f.limit, f.offset) as Row[];
      return { items: rows.map(toOp), total };
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
      return (db.prepare('SELECT data FROM connection_configs ORDER BY id').all() as Row[]).map((r) => JSON.parse(String(r.data)) as AddedConnection);
    },

    async deleteConnectionConfig(id) {
      db.prepare('DELETE FROM connection_configs WHERE id = ?').run(id);
      db.prepare('DELETE FROM connections WHERE id = ?').run(id);
    },

    async listConnectionStatus() {
      return (db.prepare('SELECT data FROM connections ORDER BY id').all() as Row[]).map((r) => JSON.parse(String(r.data)) as ConnectionStatus);
    },

    async createActionRun(run: ActionRun) {
      if (run.idempotencyKey) {
        const existing = db.prepare('SELECT data FROM action_runs WHERE idempotency_key = ?').get(run.idempotencyKey) as Row | undefined;
        if (existing) return { run: JSON.parse(String(existing.data)) as ActionRun, created: false };
      }
      db.prepare('INSERT INTO action_runs (id, operation_id, idempotency_key, requested_at, data) VALUES (?, ?, ?, ?, ?)').run(
        run.id,
        run.operationId,
        run.idempotencyKey,
        run.requestedAt,
        JSON.stringify(run),
      );
      return { run, created: true };
    },

    async finishActionRun(id, status, message, at) {
      const r = db.prepare('SELECT data FROM action_runs WHERE id = ?').get(id) as Row | undefined;
      if (!r) return;
      const run = { ...(JSON.parse(String(r.data)) as ActionRun), status, message, finishedAt: at };
      db.prepare('UPDATE action_runs SET data = ? WHERE id = ?').run(JSON.stringify(run), id);
    },

    async listActionRuns(operationId) {
      const rows = db.prepare('SELECT data FROM action_runs WHERE operation_id = ? ORDER BY requested_at DESC').all(operationId) as Row[];
      return rows.map((r) => JSON.parse(String(r.data)) as ActionRun);
    },

    async recentActionRuns(connectionId, sinceIso) {
      const prefix = `${connectionId}:`.replace(/[\\%_]/g, (c) => `\\${c}`);
      const rows = db
        .prepare("SELECT data FROM action_runs WHERE operation_id LIKE ? ESCAPE '\\' AND requested_at >= ? ORDER BY requested_at")
        .all(`${prefix}%`, sinceIso) as Row[];
      return rows.map((r) => JSON.parse(String(r.data)) as ActionRun);
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
