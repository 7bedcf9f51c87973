import 'server-only';
import type Database from 'libsql';
import type { Operation } from '@/lib/model/operation';
import { RATE_SAMPLE_EVERY_MS, RATE_SAMPLES_KEPT_MS, type Store } from './types';

type Row = Record<string, unknown>;

/**
 * Throughput over time in the embedded store: a rate sample per operation
 * every few seconds while data moves, written in the same transaction as the
 * operation (`sample`), and read back per operation or summed per connection.
 */
export function sqliteRateStore(db: Database.Database): Pick<Store, 'rateSamples' | 'throughput'> & { sample(op: Operation): void } {
  const insert = db.prepare('INSERT OR IGNORE INTO rate_samples (operation_id, connection_id, at_ms, unit, done, rate) VALUES (?, ?, ?, ?, ?, ?)');
  const prune = db.prepare('DELETE FROM rate_samples WHERE at_ms < ?');
  /** when each operation's last sample was taken (a restart just samples once more) */
  const sampledAt = new Map<string, number>();
  let prunedAt = 0;

  return {
    /** Keeps a sample of the operation's progress, at most one per RATE_SAMPLE_EVERY_MS (a stall to zero always). */
    sample(op) {
      const p = op.progress;
      if (!p || p.rate === null || !op.progressAt) {
        if (op.endedAt) sampledAt.delete(op.id);
        return;
      }
      const at = Date.parse(op.progressAt);
      if (at - (sampledAt.get(op.id) ?? -Infinity) < RATE_SAMPLE_EVERY_MS && p.rate > 0) return;
      sampledAt.set(op.id, at);
      insert.run(op.id, op.connectionId, at, p.unit, p.done, p.rate);
      if (op.endedAt) sampledAt.delete(op.id);
      if (at - prunedAt > 3600_000) {
        prunedAt = at;
        prune.run(at - RATE_SAMPLES_KEPT_MS);
      }
    },

    async rateSamples(operationId, limit = 2000) {
      const rows = db
        .prepare('SELECT at_ms, unit, done, rate FROM rate_samples WHERE operation_id = ? ORDER BY at_ms DESC LIMIT ?')
        .all(operationId, limit) as Row[];
      const unit = rows[0] ? (String(rows[0].unit) as 'bytes' | 'percent') : null;
      const samples = rows.reverse().map((r) => ({ atMs: Number(r.at_ms), done: Number(r.done), rate: Number(r.rate) }));
      return { unit, samples };
    },

    async throughput(sinceMs, bucketMs) {
      // Each operation's average within a bucket, then summed per connection: an operation sampled twice in a bucket counts once.
      const rows = db
        .prepare(
          `SELECT connection_id, b, SUM(r) AS rate FROM (
             SELECT connection_id, operation_id, at_ms - (at_ms % ?) AS b, AVG(rate) AS r FROM rate_samples
             WHERE at_ms >= ? AND unit = 'bytes' GROUP BY connection_id, operation_id, b)
           GROUP BY connection_id, b ORDER BY connection_id, b`,
        )
        .all(bucketMs, sinceMs) as Row[];
      const series = new Map<string, [number, number][]>();
      for (const r of rows) {
        const id = String(r.connection_id);
        series.set(id, [...(series.get(id) ?? []), [Number(r.b), Number(r.rate)]]);
      }
      return [...series].map(([connectionId, points]) => ({ connectionId, points }));
    },
  };
}
