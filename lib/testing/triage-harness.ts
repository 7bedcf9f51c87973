import { requestAction } from '@/lib/actions/request-action';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { Collector } from '@/lib/collector/collector';
import type { EngineAdapter } from '@/lib/engines/types';
import { logger } from '@/lib/log/logger';
import type { Actor } from '@/lib/model/actor';
import type { Operation } from '@/lib/model/operation';
import type { PlaybookRun } from '@/lib/model/playbook-run';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import type { Playbook } from '@/lib/triage/playbook';
import { startPlaybook, type RunnerDeps } from '@/lib/triage/playbook-runner';
import type { TriageRule } from '@/lib/triage/rule';
import { TriageEvaluator } from '@/lib/triage/evaluator';
import { tempDir } from './temp-dir';

export const alice: Actor = { kind: 'user', id: 'u-alice', name: 'alice' };

export interface TriageHarness {
  store: Store;
  collector: Collector;
  deps: RunnerDeps;
  /** one collector cycle, then the triage it triggers */
  poll(): Promise<void>;
  /** polls until the check finds an operation */
  until(check: (ops: Operation[]) => Operation | undefined, what: string, timeoutMs?: number): Promise<Operation>;
  /** runs a playbook as alice and answers the run once it has ended */
  runPlaybook(findingId: string, playbookId: string): Promise<PlaybookRun>;
  close(): Promise<void>;
}

/**
 * One engine connection as the runtime wires it, in a test: a collector
 * polling the adapter into a fresh store, the triage evaluator after each
 * cycle, and the playbook runner's dependencies. `now` is the clock of the
 * collector and the triage (a simulator's, or the wall clock plus a skew).
 */
export function triageHarness(o: {
  adapter: EngineAdapter;
  engine: string;
  rules: readonly TriageRule[];
  playbooks: readonly Playbook<EngineAdapter>[];
  now?: () => number;
  fastMs?: number;
  /** the collector keeps the real clock while only the triage's runs ahead */
  triageNow?: () => number;
}): TriageHarness {
  const store = openSqliteStore(tempDir());
  const bus = createMemoryBus();
  const evaluator = new TriageEvaluator({ store, bus, log: logger, rulesFor: () => o.rules, now: o.triageNow ?? o.now });
  const collector = new Collector([{ id: 'c', engine: o.engine, adapter: o.adapter, fastMs: o.fastMs ?? 500, slowMs: 10_000 }], {
    store,
    bus,
    log: logger,
    now: o.now,
    onCycle: evaluator.onCycle,
  });
  const poll = async () => {
    await collector.connection('c').poller.pollOnce();
    await evaluator.idle();
  };
  const deps: RunnerDeps = {
    store,
    bus,
    collector,
    log: logger,
    now: o.now,
    playbooksFor: () => o.playbooks,
    evaluateNow: poll,
    requestAction: (input) => requestAction({ store, collector, log: logger, now: o.now }, input),
  };
  return {
    store,
    collector,
    deps,
    poll,
    async until(check, what, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await poll();
        const hit = check((await store.listOperations({ limit: 500, offset: 0 })).items);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    async runPlaybook(findingId, playbookId) {
      let run: PlaybookRun | null = await startPlaybook(deps, { findingId, playbookId, actor: alice });
      for (let i = 0; i < 600 && run?.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        run = await store.getPlaybookRun(run.id);
      }
      if (!run || run.status === 'running') throw new Error(`playbook ${playbookId} did not end`);
      return run;
    },
    close: () => store.close(),
  };
}
