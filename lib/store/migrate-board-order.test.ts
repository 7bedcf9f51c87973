import path from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { operation } from '@/lib/testing/operations';
import { tempDir } from '@/lib/testing/temp-dir';
import { MIGRATIONS } from './schema';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './types';

describe('migration 5 (board order)', () => {
  let store: Store | undefined;
  afterEach(() => store?.close());

  it('gives rows written before it their start, end and sequences, so the board lists and sorts them', async () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'phaseboard.db'));
    for (const m of MIGRATIONS.slice(0, 4)) {
      if (typeof m === 'function') m(db);
      else for (const sql of m) db.exec(sql);
    }
    db.exec('PRAGMA user_version = 4');
    const insert = db.prepare(
      'INSERT INTO operations (id, connection_id, engine, kind, state, native_phase, subject_name, native_id, gone, ended_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)',
    );
    const live = operation({ id: 'c1:live', nativeId: 'live', startedAt: '2026-01-01T00:00:10.000Z', version: 3 });
    const done = operation({
      id: 'c1:done',
      nativeId: 'done',
      state: 'succeeded',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:20.000Z',
      version: 4,
    });
    for (const o of [live, done])
      insert.run(o.id, o.connectionId, o.engine, o.kind, o.state, o.nativePhase, o.subject.name, o.nativeId, o.endedAt, o.version, JSON.stringify(o));
    db.close();

    store = openSqliteStore(dir);
    expect((await store.listOperations({ view: 'live', limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual(['c1:live']);
    expect((await store.listOperations({ view: 'history', limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual(['c1:done']);
    const from = Date.parse('2026-01-01T00:00:05Z');
    expect((await store.listOperations({ startedFrom: from, limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual(['c1:live']);
    // 20 s is shorter than the live one's time so far
    expect((await store.listOperations({ sort: 'duration', dir: 'asc', limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual(['c1:done', 'c1:live']);
  });
});
