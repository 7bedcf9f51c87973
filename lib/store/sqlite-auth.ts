import 'server-only';
import { SqliteDialect } from 'kysely';
import type Database from 'libsql';
import { AppError } from '@/lib/errors/app-error';
import { isUniqueViolation } from './sqlite-errors';
import type { ApiToken, AuthStore } from './types';

type Row = Record<string, unknown>;

/** Settings and API tokens in the embedded store. */
export function sqliteAuthStore(db: Database.Database): AuthStore {
  const toToken = (r: Row) => JSON.parse(String(r.data)) as ApiToken;
  return {
    async settingOrInit(key, value) {
      db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
      return String((db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as Row).value);
    },

    async createApiToken(token, tokenHash) {
      try {
        db.prepare('INSERT INTO api_tokens (id, name, token_hash, revoked_at, data) VALUES (?, ?, ?, ?, ?)').run(
          token.id,
          token.name,
          tokenHash,
          token.revokedAt,
          JSON.stringify(token),
        );
      } catch (e) {
        if (isUniqueViolation(e))
          throw new AppError('conflict', `there is already a token named "${token.name}"; revoke it first or pick another name`, { field: 'name' });
        throw e;
      }
    },

    async findApiTokenByHash(tokenHash) {
      // A live token first; a revoked one still says why it no longer works.
      const r = db.prepare('SELECT data FROM api_tokens WHERE token_hash = ? ORDER BY revoked_at IS NOT NULL, revoked_at DESC LIMIT 1').get(tokenHash) as
        Row | undefined;
      return r ? toToken(r) : null;
    },

    async listApiTokens() {
      return (db.prepare('SELECT data FROM api_tokens ORDER BY revoked_at IS NOT NULL, name').all() as Row[]).map(toToken);
    },

    async revokeApiToken(id, at) {
      const r = db.prepare('SELECT data FROM api_tokens WHERE id = ? AND revoked_at IS NULL').get(id) as Row | undefined;
      if (!r) return false;
      db.prepare('UPDATE api_tokens SET revoked_at = ?, data = ? WHERE id = ?').run(at, JSON.stringify({ ...toToken(r), revokedAt: at }), id);
      return true;
    },

    async touchApiToken(id, at) {
      const r = db.prepare('SELECT data FROM api_tokens WHERE id = ?').get(id) as Row | undefined;
      if (r) db.prepare('UPDATE api_tokens SET data = ? WHERE id = ?').run(JSON.stringify({ ...toToken(r), lastUsedAt: at }), id);
    },

    authDatabase() {
      // libsql speaks better-sqlite3's API, which Kysely's SQLite dialect drives.
      return { dialect: new SqliteDialect({ database: db as never }), type: 'sqlite', transaction: true };
    },
  };
}
