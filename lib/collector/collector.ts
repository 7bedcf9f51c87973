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
}

/** One poller per engine connection. */
export class Collector {
  private readonly pollers = new Map<string, { poller: ConnectionPoller; adapter: EngineAdapter }>();

  constructor(connections: CollectedConnection[], deps: { store: Store; bus: Bus; log: Logger; now?: () => number; onCycle?: (view: CycleView) => void }) {
    for (const c of connections) {
      const poller = new ConnectionPoller({
        connectionId: c.id,
        engine: c.engine,
        adapter: c.adapter,
        store: deps.store,
        bus: deps.bus,
        log: deps.log.child({ connection: c.id }),
        fastMs: c.fastMs,
        slowMs: c.slowMs,
        now: deps.now,
        onCycle: deps.onCycle,
      });
      c.adapter.subscribe?.(() => poller.nudge(0));
      this.pollers.set(c.id, { poller, adapter: c.adapter });
    }
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
