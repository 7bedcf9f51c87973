import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/model/actor';
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
  related: [],
  startedAt: null,
});

const op: Actor = { kind: 'user', id: 'u-op', name: 'op' };
const alice: Actor = { kind: 'user', id: 'u-alice', name: 'alice' };
const bob: Actor = { kind: 'user', id: 'u-bob', name: 'bob' };

describe('sqlite store', () => {
  let store: Store;
  afterEach(() => store?.close());

  it('replays everything after an event id, in order, and survives reopening', async () => {
    const dir = tempDir();
    store = openSqliteStore(dir);
    const op = reduceOperation(undefined, {
      type: 'observed',
      at: '2026-01-01T00:00:00Z',
      connectionId: 'c',
      engine: 'ovirt',
      snapshot: snapshot('initializing', 0),
    });
    const a = await store.commit({
      operations: [op],
      entries: [{ operationId: op.id, at: op.startedAt, entry: { type: 'observed', nativePhase: 'initializing', state: 'pending' } }],
    });
    const next = reduceOperation(a.operations[0], { type: 'changed', at: '2026-01-01T00:00:02Z', snapshot: snapshot('transferring', 50), rate: 25 });
    await store.commit({
      operations: [next],
      entries: [{ operationId: op.id, at: next.phaseChangedAt, entry: { type: 'phase', from: 'initializing', to: 'transferring', state: 'running' } }],
    });
    await store.close();

    store = openSqliteStore(dir);
    expect(await store.lastSeq()).toBe(4);
    const gap = await store.changesSince(2, 100);
    expect(gap.events.map((e) => e.seq)).toEqual([3]);
    expect(gap.operations.map((o) => [o.version, o.nativePhase, o.progress?.done])).toEqual([[4, 'transferring', 50]]);
    expect((await store.changesSince(4, 100)).events).toEqual([]);
  });

  it('returns the first run for a repeated idempotency key, scoped to operation, action and actor', async () => {
    store = openSqliteStore(tempDir());
    const run = {
      id: 'r1',
      operationId: 'c:n1',
      action: 'finalize' as const,
      idempotencyKey: 'k1',
      requestHash: 'h',
      actor: op,
      playbook: null,
      params: {},
      status: 'running' as const,
      requestedAt: '2026-01-01T00:00:00Z',
      finishedAt: null,
      message: null,
    };
    expect((await store.createActionRun(run)).created).toBe(true);
    const again = await store.createActionRun({ ...run, id: 'r2' });
    expect(again).toMatchObject({ created: false, run: { id: 'r1' } });
    await expect(store.createActionRun({ ...run, id: 'r3', requestHash: 'other' })).rejects.toMatchObject({ code: 'unprocessable' });
    await store.finishActionRun('r1', 'succeeded', 'finalized in 5.2 s', '2026-01-01T00:00:05Z');
    expect(await store.listActionRuns('c:n1')).toMatchObject([{ id: 'r1', status: 'succeeded', message: 'finalized in 5.2 s' }]);
    // The same key on another operation is another request.
    expect((await store.createActionRun({ ...run, id: 'r4', operationId: 'c:n2' })).created).toBe(true);
  });

  it('scopes idempotency keys to the actor itself, not its name', async () => {
    store = openSqliteStore(tempDir());
    const run = {
      id: 'r1',
      operationId: 'c:n1',
      action: 'finalize' as const,
      idempotencyKey: 'k1',
      requestHash: 'h',
      actor: { kind: 'token', id: 't-x', name: 'x' } as Actor,
      playbook: null,
      params: {},
      status: 'running' as const,
      requestedAt: '2026-01-01T00:00:00Z',
      finishedAt: null,
      message: null,
    };
    expect((await store.createActionRun(run)).created).toBe(true);
    await store.finishActionRun('r1', 'succeeded', 'done', '2026-01-01T00:00:05Z');
    // A user named "token:x", a proxy-named x and phaseboard each send the same key: each is a request of its own.
    const others: Actor[] = [{ kind: 'user', id: 'token:x', name: 'token:x' }, { kind: 'proxy', name: 'x' }, { kind: 'phaseboard' }];
    for (const [i, actor] of others.entries()) {
      const r = await store.createActionRun({ ...run, id: `o${i}`, actor });
      expect(r).toMatchObject({ created: true, run: { id: `o${i}`, actor } });
      await store.finishActionRun(`o${i}`, 'succeeded', 'done', '2026-01-01T00:00:05Z');
    }
    // The same token again (under a new name, even) gets its first run back.
    expect(await store.createActionRun({ ...run, id: 'r2', actor: { kind: 'token', id: 't-x', name: 'x-renamed' } })).toMatchObject({
      created: false,
      run: { id: 'r1' },
    });
  });

  it('lets one action run at a time per operation, across keys and actors', async () => {
    const dir = tempDir();
    store = openSqliteStore(dir);
    const run = {
      id: 'a',
      operationId: 'c:n1',
      action: 'finalize' as const,
      idempotencyKey: null,
      requestHash: 'h',
      actor: alice,
      playbook: null,
      params: {},
      status: 'running' as const,
      requestedAt: '2026-01-01T00:00:00Z',
      finishedAt: null,
      message: null,
    };
    expect((await store.createActionRun(run)).created).toBe(true);
    await expect(store.createActionRun({ ...run, id: 'b', actor: bob, idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'conflict',
      message: /another action is running on this operation: finalize requested by alice/,
    });
    expect((await store.createActionRun({ ...run, id: 'c', operationId: 'c:n2' })).created).toBe(true);
    // A second process on the same file is held to the same rule by the index.
    await store.close();
    store = openSqliteStore(dir);
    expect((await store.runningActionRuns()).map((r) => r.id).sort()).toEqual(['a', 'c']);
    await store.finishActionRun('a', 'interrupted', 'interrupted', '2026-01-01T00:01:00Z');
    expect((await store.createActionRun({ ...run, id: 'd' })).created).toBe(true);
  });

  it('filters by state and text', async () => {
    store = openSqliteStore(tempDir());
    const mk = (id: string, name: string, state: 'running' | 'succeeded') =>
      reduceOperation(undefined, {
        type: 'observed',
        at: '2026-01-01T00:00:00Z',
        connectionId: 'c',
        engine: 'ovirt',
        snapshot: { ...snapshot('x', 0), nativeId: id, state, subject: { type: 'disk', id, name } },
      });
    await store.commit({ operations: [mk('a', 'web_01%', 'running'), mk('b', 'db-01', 'succeeded'), mk('c', 'web-02', 'succeeded')], entries: [] });
    expect((await store.listOperations({ text: 'WEB', limit: 10, offset: 0 })).items.map((o) => o.nativeId).sort()).toEqual(['a', 'c']);
    expect((await store.listOperations({ text: '_01%', limit: 10, offset: 0 })).items.map((o) => o.nativeId)).toEqual(['a']);
    expect((await store.listOperations({ states: ['succeeded'], limit: 10, offset: 0 })).total).toBe(2);
  });

  it('holds a view still: rows as of one sequence, later ones only counted, ended ones kept until the reader refreshes', async () => {
    store = openSqliteStore(tempDir());
    const mk = (id: string, startSec: number, state: 'running' | 'succeeded' = 'running') =>
      reduceOperation(undefined, {
        type: 'observed',
        at: `2026-01-01T00:00:${String(startSec).padStart(2, '0')}Z`,
        connectionId: 'c',
        engine: 'ovirt',
        snapshot: { ...snapshot('x', 0), nativeId: id, state, subject: { type: 'disk', id, name: `disk-${id}` } },
      });
    const [a, b] = (await store.commit({ operations: [mk('a', 1), mk('b', 2)], entries: [] })).operations;
    const ids = (p: { items: { nativeId: string }[] }) => p.items.map((o) => o.nativeId);
    const first = await store.listOperations({ view: 'live', limit: 10, offset: 0 });
    // newest start first; equal keys would fall back to the id, never to the last change
    expect(ids(first)).toEqual(['b', 'a']);
    expect(first.newer).toBe(0);

    // c starts, a ends, b changes: the page as of before shows a and b where they were, and counts c
    await store.commit({ operations: [mk('c', 3)], entries: [] });
    await store.commit({ operations: [{ ...a!, state: 'succeeded', endedAt: '2026-01-01T00:00:30Z' }], entries: [] });
    await store.commit({ operations: [{ ...b!, nativePhase: 'y' }], entries: [] });
    const held = await store.listOperations({ view: 'live', asOf: first.asOf, limit: 10, offset: 0 });
    expect(ids(held)).toEqual(['b', 'a']);
    expect(held.items.find((o) => o.nativeId === 'a')!.state).toBe('succeeded');
    expect(held.newer).toBe(1);

    // refreshed: c shows, a has moved to history
    const now = await store.listOperations({ view: 'live', limit: 10, offset: 0 });
    expect(ids(now)).toEqual(['c', 'b']);
    expect(ids(await store.listOperations({ view: 'history', limit: 10, offset: 0 }))).toEqual(['a']);
    expect((await store.listOperations({ view: 'history', asOf: first.asOf, limit: 10, offset: 0 })).newer).toBe(1);

    // sorts: duration (a took 29 s; live ones count to now), subject, start range
    const byDuration = await store.listOperations({ sort: 'duration', dir: 'asc', limit: 10, offset: 0 });
    expect(ids(byDuration)[0]).toBe('a');
    expect(ids(await store.listOperations({ sort: 'subject', dir: 'desc', limit: 10, offset: 0 }))).toEqual(['c', 'b', 'a']);
    const from = Date.parse('2026-01-01T00:00:02Z');
    expect(ids(await store.listOperations({ startedFrom: from, startedBefore: from + 1000, limit: 10, offset: 0 }))).toEqual(['b']);
  });

  it('finds the operations that wait for an operator', async () => {
    store = openSqliteStore(tempDir());
    const base = reduceOperation(undefined, { type: 'observed', at: '2026-01-01T00:00:00Z', connectionId: 'c', engine: 'libvirt', snapshot: snapshot('x', 0) });
    await store.commit({
      operations: [
        { ...base, needsYou: { action: 'pivot', label: 'Pivot' } },
        { ...base, id: 'c:n2', nativeId: 'n2' },
      ],
      entries: [],
    });
    const page = await store.listOperations({ needsYou: true, limit: 10, offset: 0 });
    expect(page.items.map((o) => o.needsYou)).toEqual([{ action: 'pivot', label: 'Pivot' }]);
  });

  it('reports a commit that fails, until one works again', async () => {
    store = openSqliteStore(tempDir());
    const op = reduceOperation(undefined, {
      type: 'observed',
      at: '2026-01-01T00:00:00Z',
      connectionId: 'c',
      engine: 'ovirt',
      snapshot: snapshot('initializing', 0),
    });
    await store.commit({ operations: [op], entries: [] });
    expect(store.health()).toEqual({ ok: true, lastError: null, failingSince: null });
    // An entry the store cannot write (a BigInt does not serialize): the transaction rolls back.
    const bad = { operationId: op.id, at: op.startedAt, entry: { type: 'vanished', lastPhase: 10n } as never };
    await expect(store.commit({ operations: [], entries: [bad] })).rejects.toThrow();
    expect(store.health()).toMatchObject({ ok: false, lastError: expect.stringMatching(/BigInt/) });
    expect(await store.lastSeq()).toBe(1);
    await store.commit({ operations: [op], entries: [] });
    expect(store.health().ok).toBe(true);
  });
});
