import 'server-only';
import type { Bus } from '@/lib/bus/types';
import type { EngineAdapter } from '@/lib/engines/types';
import { AppError } from '@/lib/errors/app-error';
import type { Logger } from '@/lib/log/logger';
import type { EngineKind } from '@/lib/model/operation';
import type { ConnectionStatus, Store } from '@/lib/store/types';
import { ConnectionPoller, type CycleView } from './poller';

export interface CollectedConnection {
  id: string;
  engine: EngineKind;
  adapter: EngineAdapter;
  fastMs: number;
  slowMs: number;
  /** while idle, the period of the adapter's cheap change check (when it has one) */
  watchMs?: number;
}

/** One poller per engine connection. */
export class Collector {
  private readonly pollers = new Map<string, { poller: ConnectionPoller; adapter: EngineAdapter }>();

  constructor(
    connections: CollectedConnection[],
    private readonly deps: { store: Store; bus: Bus; log: Logger; now?: () => number; onCycle?: (view: CycleView) => void },
  ) {
    for (const c of connections) this.register(c);
  }

  private register(c: CollectedConnection): ConnectionPoller {
    const poller = new ConnectionPoller({
      connectionId: c.id,
      engine: c.engine,
      adapter: c.adapter,
      store: this.deps.store,
      bus: this.deps.bus,
      log: this.deps.log.child({ connection: c.id }),
      fastMs: c.fastMs,
      slowMs: c.slowMs,
      watchMs: c.watchMs,
      now: this.deps.now,
      onCycle: this.deps.onCycle,
    });
    c.adapter.subscribe?.(
      () => poller.nudge(0),
      (fact) => void poller.recordFact(fact).catch((e: unknown) => this.deps.log.warn({ connection: c.id, err: e }, 'could not record an engine fact')),
    );
    this.pollers.set(c.id, { poller, adapter: c.adapter });
    return poller;
  }

  /** A connection added while running (from the UI). */
  async add(c: CollectedConnection): Promise<void> {
    if (this.pollers.has(c.id)) throw new AppError('conflict', `there is already a connection "${c.id}"`);
    await this.register(c).start();
  }

  async remove(id: string): Promise<void> {
    const c = this.connection(id);
    c.poller.stop();
    await c.adapter.close();
    this.pollers.delete(id);
  }

  async start(): Promise<void> {
    await Promise.all([...this.pollers.values()].map(({ poller }) => poller.start()));
  }

  async stop(): Promise<void> {
    for (const { poller, adapter } of this.pollers.values()) {
      poller.stop();
      await adapter.close();
    }
  }

  connection(id: string): { poller: ConnectionPoller; adapter: EngineAdapter } {
    const c = this.pollers.get(id);
    if (!c) throw new AppError('not_found', `no engine connection "${id}"`);
    return c;
  }

  statuses(): ConnectionStatus[] {
    return [...this.pollers.values()].map(({ poller }) => poller.status);
  }
}
