import 'server-only';
import type { Bus, BusMessage } from './types';

/** In-process fan-out: the default for one phaseboard process. */
export function createMemoryBus(): Bus {
  const listeners = new Set<(m: BusMessage) => void>();
  return {
    publish(messages) {
      for (const m of messages) {
        for (const l of listeners) {
          // A failing subscriber must not stop the others (or the collector).
          try {
            l(m);
          } catch {
            listeners.delete(l);
          }
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    size: () => listeners.size,
  };
}
