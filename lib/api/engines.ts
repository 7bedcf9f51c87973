import 'server-only';
import { getRuntime } from '@/lib/runtime/get-runtime';

/** Engine connections with their health; URLs and ids only, never credentials. */
export async function engineList() {
  const rt = await getRuntime();
  const statuses = new Map(rt.collector.statuses().map((s) => [s.id, s]));
  return {
    engines: rt.connections.map((c) => ({ ...c, status: statuses.get(c.id) ?? null })),
  };
}

export async function health() {
  const rt = await getRuntime();
  const statuses = rt.collector.statuses();
  return {
    status: statuses.every((s) => s.status !== 'degraded') ? 'ok' : 'degraded',
    version: process.env.npm_package_version ?? '0.1.0',
    startedAt: rt.startedAt,
    store: { kind: 'sqlite', seq: await rt.store.lastSeq() },
    engines: statuses.map((s) => ({ id: s.id, status: s.status, lastSuccessAt: s.lastSuccessAt })),
    simulator: rt.sim !== null,
    streams: rt.bus.size(),
  };
}
