import { createMemoryBus } from '@/lib/bus/memory-bus';
import { ConnectionPoller } from '@/lib/collector/poller';
import type { EngineAdapter } from '@/lib/engines/types';
import { logger } from '@/lib/log/logger';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import { openSqliteStore } from '@/lib/store/sqlite-store';

export interface IngestFigures {
  operations: number;
  cycles: number;
  phaseEvents: number;
  messages: number;
  seconds: number;
}

/**
 * The collector's write path on its own: every cycle each of `operations`
 * changes phase, so the poller diffs, commits (SQLite, one transaction) and
 * publishes a phase event and an operation update for each.
 */
export async function measureIngestion(dataDir: string, operations = 1000, cycles = 20): Promise<IngestFigures> {
  let cycle = 0;
  const snapshot = (i: number): OperationSnapshot => ({
    nativeId: `t${i}`,
    kind: 'image_transfer',
    subject: { type: 'disk', id: `d${i}`, name: `disk-${i}` },
    nativePhase: cycle % 2 === 0 ? 'transferring' : 'paused_user',
    state: cycle % 2 === 0 ? 'running' : 'paused',
    progress: { unit: 'bytes', done: cycle * 1_000_000, total: 1e12 },
    details: { direction: 'upload' },
    related: [],
    startedAt: null,
  });
  const adapter: EngineAdapter = {
    engine: 'ovirt',
    capabilities: { push: false },
    listOperations: async () => Array.from({ length: operations }, (_, i) => snapshot(i)),
    getOperation: async () => null,
    resolveVanished: async () => ({ state: 'unknown', message: 'bench' }),
    describeActions: () => [],
    performAction: async () => ({ ok: true, message: 'bench' }),
    close: async () => undefined,
  };
  const store = openSqliteStore(dataDir);
  const bus = createMemoryBus();
  let messages = 0;
  let phaseEvents = 0;
  bus.subscribe((m) => {
    messages += 1;
    if (m.type === 'timeline' && m.event.entry.type === 'phase') phaseEvents += 1;
  });
  const poller = new ConnectionPoller({ connectionId: 'bench', engine: 'ovirt', adapter, store, bus, log: logger, fastMs: 1000, slowMs: 10_000 });
  await poller.pollOnce(); // first sight: "observed", not a phase change
  messages = 0;
  phaseEvents = 0;
  const t0 = performance.now();
  for (cycle = 1; cycle <= cycles; cycle++) await poller.pollOnce();
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  return { operations, cycles, phaseEvents, messages, seconds };
}
