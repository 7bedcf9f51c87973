import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import type { NotifyStore } from '@/lib/store/types';
import { sleep } from '@/lib/testing/processes';
import { operation } from '@/lib/testing/operations';
import { Notifier } from './notifier';
import type { WebhookDispatcher } from './webhook';

describe('telling that a watched operation failed', () => {
  let notifier: Notifier | undefined;
  afterEach(() => notifier?.stop());

  function setup(outcomeWaitMs: number) {
    const bus = createMemoryBus();
    const sent: { event: string; payload: { operation: { outcome: string | null } } }[] = [];
    const store = { getWatch: async () => ({ operationId: 'c1:t1', by: { kind: 'user', id: 'u1', name: 'ana' }, at: '' }) } as unknown as NotifyStore;
    const dispatcher = { enqueue: async (event: string, _key: string, payload: never) => void sent.push({ event, payload }) } as unknown as WebhookDispatcher;
    notifier = new Notifier({ store, bus, dispatcher, log: logger, outcomeWaitMs });
    notifier.start();
    const publish = (op: Operation) => bus.publish([{ type: 'operation', seq: op.version, operation: op }]);
    return { sent, publish };
  }

  it('waits for why: "failed" seen before its outcome is told once, with the outcome', async () => {
    const { sent, publish } = setup(5_000);
    publish(operation({ state: 'failed', nativePhase: 'finished_failure', outcome: null }));
    publish(operation({ state: 'failed', nativePhase: 'finished_failure', outcome: null, version: 2 }));
    await sleep(50);
    expect(sent).toEqual([]);
    publish(operation({ state: 'failed', outcome: 'transfer t1 has failed: disk d1 is ILLEGAL', version: 3 }));
    await sleep(50);
    expect(sent.map((s) => s.payload.operation.outcome)).toEqual(['transfer t1 has failed: disk d1 is ILLEGAL']);
  });

  it('tells a failure that never gets an outcome after the wait, as it is', async () => {
    const { sent, publish } = setup(100);
    publish(operation({ state: 'failed', outcome: null }));
    await sleep(50);
    expect(sent).toEqual([]);
    await sleep(150);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload.operation.outcome).toBeNull();
  });
});
