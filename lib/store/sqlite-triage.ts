import 'server-only';
import type Database from 'libsql';
import { Finding, FindingNote, SEVERITY_RANK } from '@/lib/model/finding';
import { PlaybookRun } from '@/lib/model/playbook-run';
import { AppError } from '@/lib/errors/app-error';
import { Where } from './sql-where';
import { isUniqueViolation } from './sqlite-errors';
import type { FindingFilter, TriageStore } from './types';

type Row = Record<string, unknown>;

/** Triage tables of the embedded store; same portable SQL as the rest. */
export function sqliteTriageStore(db: Database.Database): TriageStore {
  const toFinding = (r: Row) => Finding.parse(JSON.parse(String(r.data)));
  const toRun = (r: Row) => PlaybookRun.parse(JSON.parse(String(r.data)));
  let noteId = Number((db.prepare('SELECT MAX(id) AS m FROM finding_notes').get() as Row | undefined)?.m ?? 0);

  return {
    async saveFinding(f) {
      db.prepare(
        `INSERT INTO findings (id, finding_key, status, severity_rank, connection_id, operation_id, since, resolved_at, data, subject_name, incident_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity_rank = excluded.severity_rank,
           since = excluded.since, resolved_at = excluded.resolved_at, data = excluded.data, incident_id = excluded.incident_id`,
      ).run(
        f.id,
        f.key,
        f.status,
        SEVERITY_RANK[f.severity],
        f.connectionId,
        f.operationId,
        f.since,
        f.resolvedAt,
        JSON.stringify(f),
        f.subjectName,
        f.incident,
      );
    },

    async getFinding(id) {
      const r = db.prepare('SELECT data FROM findings WHERE id = ?').get(id) as Row | undefined;
      return r ? toFinding(r) : null;
    },

    async latestFinding(key) {
      const r = db.prepare('SELECT data FROM findings WHERE finding_key = ? ORDER BY since DESC, id DESC LIMIT 1').get(key) as Row | undefined;
      return r ? toFinding(r) : null;
    },

    async listFindings(f: FindingFilter) {
      const where = new Where();
      if (f.status) where.add('status = ?', f.status);
      if (f.operationId) where.add('operation_id = ?', f.operationId);
      const { sql: clause, args } = where;
      // A failing connection explains the findings of everything on it: it comes first, then the most severe, oldest first.
      const order = f.status === 'resolved' ? 'resolved_at DESC' : "(status = 'open') DESC, (operation_id IS NULL) DESC, severity_rank, since";
      const total = Number((db.prepare(`SELECT COUNT(*) AS n FROM findings ${clause}`).get(...args) as Row).n);
      const rows = db.prepare(`SELECT data FROM findings ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...args, f.limit, f.offset) as Row[];
      return { items: rows.map(toFinding), total };
    },

    async lastFindingOn(connectionId, subjectName, resolvedSince) {
      const r = db
        .prepare(
          `SELECT data FROM findings WHERE connection_id = ? AND subject_name = ? AND (status = 'open' OR resolved_at >= ?)
           ORDER BY since DESC, id DESC LIMIT 1`,
        )
        .get(connectionId, subjectName, resolvedSince) as Row | undefined;
      return r ? toFinding(r) : null;
    },

    async incidentFindings(incidentId) {
      const rows = db.prepare('SELECT data FROM findings WHERE id = ? OR incident_id = ? ORDER BY since, id').all(incidentId, incidentId) as Row[];
      return rows.map(toFinding);
    },

    async openFindings(connectionId) {
      return (db.prepare("SELECT data FROM findings WHERE status = 'open' AND connection_id = ?").all(connectionId) as Row[]).map(toFinding);
    },

    async addFindingNote(note) {
      noteId += 1;
      db.prepare('INSERT INTO finding_notes (id, finding_id, at, data) VALUES (?, ?, ?, ?)').run(
        noteId,
        note.findingId,
        note.at,
        JSON.stringify(FindingNote.parse(note)),
      );
    },

    async findingNotes(findingId) {
      const rows = db.prepare('SELECT data FROM finding_notes WHERE finding_id = ? ORDER BY id').all(findingId) as Row[];
      return rows.map((r) => FindingNote.parse(JSON.parse(String(r.data))));
    },

    async savePlaybookRun(run) {
      try {
        db.prepare(
          `INSERT INTO playbook_runs (id, finding_id, operation_id, started_at, status, data) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data`,
        ).run(run.id, run.findingId, run.operationId, run.startedAt, run.status, JSON.stringify(run));
      } catch (e) {
        if (isUniqueViolation(e)) throw new AppError('conflict', 'a playbook is already running for this finding');
        throw e;
      }
    },

    async runningPlaybookRuns() {
      return (db.prepare("SELECT data FROM playbook_runs WHERE status = 'running'").all() as Row[]).map(toRun);
    },

    async getPlaybookRun(id) {
      const r = db.prepare('SELECT data FROM playbook_runs WHERE id = ?').get(id) as Row | undefined;
      return r ? toRun(r) : null;
    },

    async listPlaybookRuns(by) {
      const [col, value] = by.findingId ? ['finding_id', by.findingId] : ['operation_id', by.operationId ?? ''];
      return (db.prepare(`SELECT data FROM playbook_runs WHERE ${col} = ? ORDER BY started_at DESC`).all(value) as Row[]).map(toRun);
    },
  };
}
