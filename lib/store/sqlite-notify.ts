import 'server-only';
import type Database from 'libsql';
import type { NotifyStore } from './types';
import { Delivery, Watch } from '@/lib/model/delivery';

type Row = Record<string, unknown>;

/** Watches and webhook deliveries in the embedded store. */
export function sqliteNotifyStore(db: Database.Database): NotifyStore {
  const toDelivery = (r: Row) => Delivery.parse(JSON.parse(String(r.data)));
  return {
    async setWatch(operationId, by, watched, at) {
      if (!watched) {
        db.prepare('DELETE FROM watches WHERE operation_id = ?').run(operationId);
        return;
      }
      db.prepare('INSERT INTO watches (operation_id, data) VALUES (?, ?) ON CONFLICT (operation_id) DO UPDATE SET data = excluded.data').run(
        operationId,
        JSON.stringify({ operationId, by, at }),
      );
    },
    async listWatches() {
      return (db.prepare('SELECT data FROM watches ORDER BY operation_id').all() as Row[]).map((r) => Watch.parse(JSON.parse(String(r.data))));
    },
    async getWatch(operationId) {
      const r = db.prepare('SELECT data FROM watches WHERE operation_id = ?').get(operationId) as Row | undefined;
      return r ? Watch.parse(JSON.parse(String(r.data))) : null;
    },
    async addDelivery(d) {
      const info = db
        .prepare(
          `INSERT INTO webhook_deliveries (id, webhook_id, event_key, status, next_attempt_at, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (webhook_id, event_key) DO NOTHING`,
        )
        .run(d.id, d.webhookId, d.eventKey, d.status, d.nextAttemptAt, d.createdAt, JSON.stringify(d));
      return info.changes > 0;
    },
    async saveDelivery(d) {
      db.prepare('UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, data = ? WHERE id = ?').run(
        d.status,
        d.nextAttemptAt,
        JSON.stringify(d),
        d.id,
      );
    },
    async dueDeliveries(nowIso, limit) {
      const rows = db
        .prepare("SELECT data FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?")
        .all(nowIso, limit) as Row[];
      return rows.map(toDelivery);
    },
    async listDeliveries(limit) {
      return (db.prepare('SELECT data FROM webhook_deliveries ORDER BY created_at DESC LIMIT ?').all(limit) as Row[]).map(toDelivery);
    },
  };
}
