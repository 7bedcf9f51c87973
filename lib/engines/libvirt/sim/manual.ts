import 'server-only';
import { logger } from '@/lib/log/logger';
import { createLibvirtAdapter } from '../adapter';
import { SimLibvirtHost } from './host';
import { SimVirshTransport } from './transport';

/**
 * The simulated host and the unchanged libvirt adapter on one manual clock,
 * for tests: time moves only when the test says (the adapter's waits move it too).
 */
export function manualLibvirt(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  const now = () => t;
  const host = new SimLibvirtHost(now);
  const adapter = createLibvirtAdapter({
    uri: 'sim+test:///system',
    log: logger,
    transport: new SimVirshTransport(host),
    now,
    sleep: async (ms) => void (t += ms),
  });
  return {
    host,
    adapter,
    now,
    /** moves the clock on (the host plays what happened meanwhile when next looked at) */
    tick: (ms: number) => void (t += ms),
  };
}
