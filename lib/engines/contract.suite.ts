import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { ConnectionPoller } from '@/lib/collector/poller';
import { isAppError } from '@/lib/errors/app-error';
import { logger } from '@/lib/log/logger';
import { ActionAvailability, isTerminal, type OperationState } from '@/lib/model/operation';
import { OperationSnapshot } from '@/lib/model/snapshot';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import { tempDir } from '@/lib/testing/temp-dir';
import type { EngineAdapter } from './types';
import { DetailSpecs } from '@/lib/model/details';
import type { EngineModule } from './module';

/** What the contract suite needs to drive one engine (a simulator, or a real one). */
export interface ContractHarness {
  adapter: EngineAdapter;
  /** its module: the details schema (labels and units per kind) and the actions each kind may offer */
  module: Pick<EngineModule, 'details' | 'capabilities'>;
  /** the clock the engine runs on (a simulator's manual clock); the wall clock when absent */
  now?: () => number;
  /** starts an operation that goes through at least two phases; answers its native id */
  startOperation(): Promise<string>;
  /** ends it by the engine's own means when it does not end by itself (a client finalize, a virsh abort) */
  finish?(nativeId: string): Promise<void>;
  /** lets the engine move on (simulated time, or real waiting) */
  advance(ms: number): Promise<void>;
  /** an operation the engine will refuse an action on, and that action (pivot before ready …) */
  refusal?(): Promise<{ nativeId: string; action: string }>;
  /**
   * Every action the engine offers, each on an operation of its own that
   * reaches a state where the action is enabled; `endsIn` is the state the
   * operation then reaches (absent when it goes on, as after a bandwidth change).
   */
  actions: { action: string; start(): Promise<string>; params?: Record<string, unknown>; endsIn?: OperationState }[];
  /** an operation the engine stops listing once it ends (oVirt before 4.4.7 …); answers its native id */
  forgotten?(): Promise<string>;
  /** the engine stops answering, and answers again */
  outage?: { begin(): Promise<void>; end(): Promise<void> };
  close(): Promise<void>;
}

/**
 * The flows every engine adapter must get right, run against every
 * engine's simulator and, where one runs here, the real engine: listing,
 * phase changes recorded once and in order, an end derived for an
 * operation the engine forgot, actions described with reasons, engine
 * refusals that keep the engine's words, and an outage the connection
 * recovers from. Each engine's own tests add only what is special to it.
 */
export function describeAdapterContract(
  name: string,
  make: () => Promise<ContractHarness>,
  o: { timeoutMs?: number; stepMs?: number; testTimeoutMs?: number } = {},
) {
  const stepMs = o.stepMs ?? 1000;
  describe(`adapter contract: ${name}`, { timeout: o.testTimeoutMs }, () => {
    let h: ContractHarness;
    let store: Store;
    let poller: ConnectionPoller;
    let unsubscribe = () => {};

    beforeEach(async () => {
      h = await make();
      store = openSqliteStore(tempDir());
      poller = new ConnectionPoller({
        connectionId: 'c',
        engine: h.adapter.engine,
        adapter: h.adapter,
        store,
        bus: createMemoryBus(),
        log: logger,
        fastMs: stepMs,
        slowMs: 10_000,
        now: h.now,
      });
      // As the collector does: pushes poll, facts go to the timelines they concern.
      unsubscribe =
        h.adapter.subscribe?.(
          () => {},
          (fact) => void poller.recordFact(fact),
        ) ?? (() => {});
    });
    afterEach(async () => {
      unsubscribe();
      await h.close();
      await store.close();
    });

    /** Polls and lets the engine move until the check holds. */
    async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
      const deadline = Date.now() + (o.timeoutMs ?? 60_000);
      for (;;) {
        await poller.pollOnce();
        const hit = await check();
        if (hit !== undefined) return hit;
        if (Date.now() > deadline)
          throw new Error(
            `${name}: timed out waiting for ${what} (connection ${poller.status.status}${poller.status.lastError ? `: ${poller.status.lastError}` : ''})`,
          );
        await h.advance(stepMs);
      }
    }
    /** detail keys the module does not label: each would show as a bare key with a bare number */
    const unlabelled = (op: { kind: string; details: Record<string, unknown> }) => {
      const fields = h.module.details[op.kind] ?? [];
      return Object.keys(op.details)
        .filter((k) => !fields.some((f) => f.key === k))
        .map((k) => `${op.kind}.${k}`);
    };
    const stored = async (nativeId: string) => (await store.listOperations({ limit: 500, offset: 0 })).items.find((op) => op.nativeId === nativeId);

    it('lists operations as snapshots the model accepts, with the same ids on every look', async () => {
      const id = await h.startOperation();
      const first = await h.adapter.listOperations({ known: [] });
      for (const s of first) expect(OperationSnapshot.safeParse(s).error).toBeUndefined();
      expect(DetailSpecs.safeParse(h.module.details).error).toBeUndefined();
      expect(first.flatMap(unlabelled)).toEqual([]);
      expect(first.map((s) => s.nativeId)).toContain(id);
      await poller.pollOnce();
      const again = await h.adapter.listOperations({ known: (await store.listOperations({ limit: 500, offset: 0 })).items });
      expect(again.map((s) => s.nativeId)).toContain(id);
      expect(await h.adapter.getOperation(id)).toMatchObject({ nativeId: id });
      expect(await h.adapter.getOperation(`${id}-never-was`)).toBeNull();
    });

    it('follows an operation through its phases to the end the engine gives it, each change once and in order', async () => {
      const id = await h.startOperation();
      const op = await until(() => stored(id), 'the operation to be listed');
      expect(op.actions.every((a) => ActionAvailability.safeParse(a).success && (a.enabled || Boolean(a.reason)))).toBe(true);
      // only actions its module declares for the kind
      const declared = (h.module.capabilities.actions[op.kind] ?? []).map((a) => a.name);
      expect(op.actions.map((a) => a.name).filter((n) => !declared.includes(n))).toEqual([]);
      await h.finish?.(id);
      const ended = await until(async () => {
        const now = await stored(id);
        // an end the engine reported, or one derived once it stopped listing the operation
        return now && isTerminal(now.state) && (!now.gone || now.outcome !== null) ? now : undefined;
      }, 'the operation to end');
      expect(['succeeded', 'failed', 'cancelled']).toContain(ended.state);
      // what the end added (a resolution's evidence) is labelled too
      expect(unlabelled(ended)).toEqual([]);
      const timeline = await store.timeline(ended.id);
      const phases = timeline.filter((e) => e.entry.type === 'observed' || e.entry.type === 'phase');
      expect(phases[0]?.entry.type).toBe('observed');
      expect(phases.length).toBeGreaterThanOrEqual(2);
      // each change starts where the last one ended; none twice
      for (let i = 1; i < phases.length; i++) {
        const prev = phases[i - 1]!.entry;
        const cur = phases[i]!.entry;
        expect(cur.type === 'phase' && cur.from).toBe(prev.type === 'observed' ? prev.nativePhase : prev.type === 'phase' ? prev.to : null);
      }
      expect(timeline.map((e) => e.seq)).toEqual([...timeline.map((e) => e.seq)].sort((a, b) => a - b));
    });

    it('performs each action it offers once the action is enabled, and the operation ends as the action says', async () => {
      const offered = new Set<string>();
      for (const c of h.actions) {
        const id = await c.start();
        const ready = await until(async () => {
          const op = await stored(id);
          return op?.actions.find((a) => a.name === c.action)?.enabled ? op : undefined;
        }, `${c.action} to be enabled`);
        for (const a of ready.actions) if (a.enabled) offered.add(a.name);
        expect(() => h.adapter.checkParams?.(c.action, c.params ?? {})).not.toThrow();
        const result = await h.adapter.performAction(ready, {
          action: c.action,
          params: c.params ?? {},
          correlationId: 'contract',
          log: () => {},
          history: () => poller.history(ready.id),
        });
        expect({ action: c.action, ok: result.ok }).toEqual({ action: c.action, ok: true });
        expect(result.message).toMatch(/\S/);
        if (c.endsIn) await until(async () => ((await stored(id))?.state === c.endsIn ? true : undefined), `${c.action} to leave the operation ${c.endsIn}`);
      }
      // every action the engine offered on the way is one of those performed
      expect([...offered].filter((a) => !h.actions.some((c) => c.action === a))).toEqual([]);
    });

    it('derives an end for an operation the engine stops listing', async () => {
      if (!h.forgotten) return expect(h.forgotten).toBeUndefined();
      const id = await h.forgotten();
      await until(() => stored(id), 'the operation to be listed');
      const ended = await until(async () => {
        const now = await stored(id);
        return now?.gone && now.outcome !== null ? now : undefined;
      }, 'the engine to forget the operation and its end to be derived');
      expect(['succeeded', 'failed', 'cancelled']).toContain(ended.state);
      expect(ended.outcome).toMatch(/\S/);
    });

    it('keeps the engine\u2019s words when it refuses an action', async () => {
      if (!h.refusal) return expect(h.refusal).toBeUndefined();
      const { nativeId, action } = await h.refusal();
      const op = await until(() => stored(nativeId), 'the operation to be listed');
      const refused = await h.adapter
        .performAction(op, { action, params: {}, correlationId: 'contract', log: () => {}, history: () => poller.history(op.id) })
        .then((r) => (r.ok ? null : r))
        .catch((e: unknown) => e);
      expect(refused).not.toBeNull();
      if (isAppError(refused)) {
        expect(['engine_refused', 'conflict', 'unsupported']).toContain(refused.code);
        expect(refused.message).not.toBe('internal error');
      } else expect((refused as { message: string }).message.length).toBeGreaterThan(0);
    });

    it('degrades during an outage and recovers when the engine answers again', async () => {
      if (!h.outage) return expect(h.outage).toBeUndefined();
      await poller.pollOnce();
      expect(poller.status.status).toBe('ok');
      await h.outage.begin();
      await poller.pollOnce();
      expect(poller.status).toMatchObject({ status: 'degraded', consecutiveFailures: 1 });
      expect(poller.status.lastError).toMatch(/\S/);
      await h.outage.end();
      await poller.pollOnce();
      expect(poller.status).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
    });
  });
}
