import { afterEach, describe, expect, it } from 'vitest';
import { reduceOperation } from '@/lib/model/reduce';
import { tempDir } from '@/lib/testing/temp-dir';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './types';

const snapshot = (phase: string, done: number) => ({
  nativeId: 'n1',
  kind: 'image_transfer' as const,
  subject: { type: 'disk' as const, id: 'd1', name: 'disk one' },
  nativePhase: phase,
  state: 'running' as const,
  progress: { unit: 'bytes' as const, done, total: 100 },
  details: {},
  startedAt: null,
});

describe('sqlite store', () => {
  let store: Store;
  afterEach(() => store?.close());

  it('replays everything after an event id, in order, and survives reopening', async () => {
    const dir = tempDir();
    store = openSqliteStore(dir);
    const op = reduceOperation(undefined, { type: 'observed', at: '2026-01-01T00:00:00Z', connectionId: 'c', engine: 'ovirt', snapshot: snapshot('initializing', 0) });
    const a = await store.commit({ operations: [op], entries: [{ operationId: op.id, at: op.startedAt, entry: { type: 'observed', nativePhase: 'initializing', state: 'pending' } }] });
    const next = reduceOperation(a.operations[0], { type: 'changed', at: '2026-01-01T00:00:02Z', snapshot: snapshot('transferring', 50), rate: 25 });
    await store.commit({ operations: [next], entries: [{ operationId: op.id, at: next.phaseChangedAt, entry: { type: 'phase', from: 'initializing', to: 'transferring', state: 'running' } }] });
    await store.close();

    store = openSqliteStore(dir);
    expect(await store.lastSeq()).toBe(4);
    const gap = await store.changesSince(2, 100);
    expect(gap.events.map((e) => e.seq)).toEqual([3]);
    expect(gap.operations.map((o) => [o.version, o.nativePhase, o.progress?.done])).toEqual([[4, 'transferring', 50]]);
    expect((await store.changesSince(4, 100)).events).toEqual([]);
  });

  it('returns the first run for a repeated idempotency key', async () => {
    store = openSqliteStore(tempDir());
    const run = { id: 'r1', operationId: 'c:n1', action: 'finalize' as const, idempotencyKey: 'k1', actor: 'op', params: {}, status: 'running' as const, requestedAt: '2026-01-01T00:00:00Z', finishedAt: null, message: null };
    expect((await store.createActionRun(run)).created).toBe(true);
    const again = await store.createActionRun({ ...run, id: 'r2' });
    expect(again).toMatchObject({ created: false, run: { id: 'r1' } });
    await store.finishActionRun('r1', 'succeeded', 'finalized in 5.2 s', '2026-01-01T00:00:05Z');
    expect(await store.listActionRuns('c:n1')).toMatchObject([{ id: 'r1', status: 'succeeded', message: 'finalized in 5.2 s' }]);
  });

  it('filters by state and text, live operations first', async () => {
    store = openSqliteStore(tempDir());
    const mk = (id: string, name: string, state: 'running' | 'succeeded') =>
      reduceOperation(undefined, { type: 'observed', at: '2026-01-01T00:00:00Z', connectionId: 'c', engine: 'ovirt', snapshot: { ...snapshot('x', 0), nativeId: id, state, subject: { type: 'disk', id, name } } });
    await store.commit({ operations: [mk('a', 'web_01%', 'running'), mk('b', 'db-01', 'succeeded'), mk('c', 'web-02', 'succeeded')], entries: [] });
    expect((await store.listOperations({ text: 'WEB', limit: 10, offset: 0 })).items.map((o) => o.nativeId)).toEqual(['a', 'c']);
    expect((await store.listOperations({ text: '_01%', limit: 10, offset: 0 })).items.map((o) => o.nativeId)).toEqual(['a']);
    expect((await store.listOperations({ states: ['succeeded'], limit: 10, offset: 0 })).total).toBe(2);
  });
});
