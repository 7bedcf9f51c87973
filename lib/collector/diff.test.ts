import { describe, expect, it } from 'vitest';
import { reduceOperation } from '@/lib/model/reduce';
import type { Operation } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import { diffSnapshots } from './diff';

const snapshot = (log: { seq: number; text: string }[]): OperationSnapshot => ({
  nativeId: 'job:7',
  kind: 'live_migration',
  subject: { type: 'instance', id: 'inst1', name: 'inst1' },
  nativePhase: 'running',
  state: 'running',
  progress: null,
  details: {},
  related: [],
  startedAt: null,
  log: log.map((l) => ({ ...l, at: `2026-01-01T00:00:0${l.seq}.000Z` })),
});

describe('an engine log becomes timeline points', () => {
  it('records each line once, at the engine’s time, across polls and a restart', () => {
    const known = new Map<string, Operation>();
    const diff = (s: OperationSnapshot) => {
      const d = diffSnapshots({ connectionId: 'g', engine: 'ganeti', known, snapshots: [s], samples: new Map(), now: Date.parse('2026-01-01T00:01:00Z') });
      for (const op of d.changed) known.set(op.id, op);
      return d.entries.filter((e) => e.entry.type === 'engine_fact').map((e) => [e.at, e.entry.type === 'engine_fact' ? e.entry.text : '']);
    };
    expect(diff(snapshot([{ seq: 1, text: 'Migrating instance inst1' }]))).toEqual([['2026-01-01T00:00:01.000Z', 'Migrating instance inst1']]);
    expect(known.get('g:job:7')!.details.logSerial).toBe(1);
    // the same log again: nothing; two new lines: both, in order
    expect(diff(snapshot([{ seq: 1, text: 'Migrating instance inst1' }]))).toEqual([]);
    const three = snapshot([
      { seq: 1, text: 'Migrating instance inst1' },
      { seq: 2, text: '* starting memory transfer' },
      { seq: 3, text: '* done' },
    ]);
    expect(diff(three).map(([, t]) => t)).toEqual(['* starting memory transfer', '* done']);
    // after a restart the operation comes back from the store with its mark: nothing is told twice
    const stored = reduceOperation(known.get('g:job:7')!, { type: 'changed', at: '2026-01-01T00:02:00Z', snapshot: three, rate: null });
    known.set(stored.id, stored);
    expect(diff(three)).toEqual([]);
  });
});
