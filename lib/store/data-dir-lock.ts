import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { AppError } from '@/lib/errors/app-error';

/**
 * One process per embedded data dir. The lock is SQLite's own (fcntl) on a
 * small file held in an exclusive transaction for the life of the process:
 * the kernel drops it when the process dies, even by kill -9, so a crash
 * never leaves a stale lock behind.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'phaseboard.lock');
  const db = new Database(file);
  try {
    db.exec('PRAGMA busy_timeout = 0');
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if (/locked|busy/i.test(String((e as Error).message))) {
      throw new AppError(
        'invalid_config',
        `another phaseboard process is using the data directory ${dataDir}; stop it first, or set PHASEBOARD_DATA_DIR to another directory (several replicas share PostgreSQL, not a data dir)`,
      );
    }
    throw e;
  }
  return {
    release() {
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}
