import { afterEach, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/model/operation';
import { at, operation, T0 } from '@/lib/testing/operations';
import { tempDir } from '@/lib/testing/temp-dir';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './types';

/** An operation at `ms` after T0 having moved `done` bytes at `rate` bytes/s. */
const moving = (id: string, connectionId: string, ms: number, done: number, rate: number | null, over: Partial<Operation> = {}) =>
  operation({
    id,
    connectionId,
    progress: { unit: 'bytes', done, total: 10_000_000, rate, etaSeconds: null, stalled: null },
    progressAt: at(ms),
    ...over,
  });

describe('rate samples', () => {
  let store: Store;
  afterEach(() => store?.close());

  it('keeps at most one sample per operation every 2 s, always the stall to zero, and the last one when it ends', async () => {
    store = openSqliteStore(tempDir());
    // polled every 500 ms for 5 s at 1 MB/s
    for (let ms = 500; ms <= 5000; ms += 500) await store.commit({ operations: [moving('c1:a', 'c1', ms, ms * 1000, 1_000_000)], entries: [] });
    await store.commit({ operations: [moving('c1:a', 'c1', 5200, 5_000_000, 0)], entries: [] });
    await store.commit({ operations: [moving('c1:a', 'c1', 9000, 9_000_000, 2_000_000, { endedAt: at(9000), state: 'succeeded' })], entries: [] });
    const { unit, samples } = await store.rateSamples('c1:a');
    expect(unit).toBe('bytes');
    expect(samples.map((s) => [s.atMs - T0, s.rate])).toEqual([
      [500, 1_000_000],
      [2500, 1_000_000],
      [4500, 1_000_000],
      [5200, 0],
      [9000, 2_000_000],
    ]);
    expect((await store.rateSamples('c1:unknown')).samples).toEqual([]);
  });

  it('sums operations per connection within a bucket, an operation sampled twice in it counted once', async () => {
    store = openSqliteStore(tempDir());
    const commit = (...ops: Operation[]) => store.commit({ operations: ops, entries: [] });
    await commit(moving('c1:a', 'c1', 1000, 1, 100), moving('c1:b', 'c1', 1000, 1, 50), moving('c2:x', 'c2', 1000, 1, 7));
    await commit(moving('c1:a', 'c1', 4000, 2, 300)); // same 10 s bucket as 1000: a averages 200
    await commit(moving('c1:a', 'c1', 12_000, 3, 10));
    // percent-only progress has no byte rate to add
    await commit(moving('c1:p', 'c1', 1000, 5, 1, { progress: { unit: 'percent', done: 5, total: 100, rate: 1, etaSeconds: null, stalled: null } }));
    const series = await store.throughput(T0, 10_000);
    expect(series).toEqual([
      {
        connectionId: 'c1',
        points: [
          [T0, 250],
          [T0 + 10_000, 10],
        ],
      },
      { connectionId: 'c2', points: [[T0, 7]] },
    ]);
    expect(await store.throughput(T0 + 20_000, 10_000)).toEqual([]);
  });
});
