import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { NewTimelineEntry } from '@/lib/store/types';
import { at, operation, T0 } from '@/lib/testing/operations';
import { tempDir } from '@/lib/testing/temp-dir';
import { TriageEvaluator } from './evaluator';

describe('TriageEvaluator', () => {
  it('keeps a phase deadline fixed while the operation sits in the phase: history that grows meanwhile does not clear the finding', async () => {
    // Found when many stuck transfers ran side by side: their long spans taught a larger
    // expectation, and a finding about a transfer still stuck resolved as "condition cleared".
    let t = T0;
    const store = openSqliteStore(tempDir());
    const evaluator = new TriageEvaluator({
      store,
      bus: createMemoryBus(),
      log: logger,
      rulesFor: () => [],
      now: () => t,
      expectedPhaseS: { pending: 120, finalizing: 20, running: 1800 },
    });
    const stuck = operation({ id: 'c1:stuck', nativeId: 'stuck', nativePhase: 'finalizing_success', state: 'finalizing', phaseChangedAt: at(0) });
    await store.commit({ operations: [stuck], entries: [] });
    let live = stuck;
    const cycle = async () => {
      evaluator.onCycle({
        connectionId: 'c1',
        engine: 'ovirt',
        status: { id: 'c1', engine: 'ovirt', status: 'ok', lastSuccessAt: new Date(t).toISOString(), lastError: null, consecutiveFailures: 0 },
        live: [live],
      });
      await evaluator.idle();
      return (await store.listFindings({ status: 'open', limit: 10, offset: 0 })).items.filter((f) => f.ruleId === 'phase-overdue');
    };
    t = T0 + 30_000;
    expect(await cycle()).toHaveLength(1);

    // Meanwhile five other transfers each spent 10 min finalizing and ended: history now expects 30 min.
    const ended: Operation[] = [];
    const entries: NewTimelineEntry[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `c1:slow${i}`;
      ended.push(operation({ id, nativeId: `slow${i}`, nativePhase: 'finished_success', state: 'succeeded', endedAt: at(600_000) }));
      entries.push(
        { operationId: id, at: at(0), entry: { type: 'observed', nativePhase: 'finalizing_success', state: 'finalizing' } },
        { operationId: id, at: at(600_000), entry: { type: 'phase', from: 'finalizing_success', to: 'finished_success', state: 'succeeded' } },
      );
    }
    await store.commit({ operations: ended, entries });
    t = T0 + 120_000; // past the evaluator's relearning period
    const open = await cycle();
    expect(open).toHaveLength(1);
    expect(open[0]?.evidence.find((e) => e.label === 'expected at most')?.value).toMatch(/^20\.0 s/);

    // A new phase gets a new deadline, from what history says now.
    live = { ...stuck, nativePhase: 'finalizing_cleanup', phaseChangedAt: at(120_000) };
    await store.commit({ operations: [live], entries: [] });
    expect(await cycle()).toHaveLength(0);
    await store.close();
  });
});
