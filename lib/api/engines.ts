import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { addConnection, removeConnection } from '@/lib/runtime/connections';
import { getRuntime } from '@/lib/runtime/get-runtime';
import type { Runtime } from '@/lib/runtime/runtime';
import type { ConnectionStatus, StoreHealth } from '@/lib/store/types';

/** Engine connections with their health; URLs and ids only, never credentials. */
export async function engineList() {
  const rt = await getRuntime();
  const statuses = new Map(rt.collector.statuses().map((s) => [s.id, s]));
  return {
    engines: rt.connections.map((c) => ({ ...c, status: statuses.get(c.id) ?? null })),
  };
}

export async function health({ detailed }: { detailed: boolean }) {
  const rt = await getRuntime();
  const statuses = rt.collector.statuses();
  const store = rt.store.health();
  const problems = healthProblems({ store, statuses, startedAt: rt.startedAt, now: Date.now() });
  const status = problems.length === 0 ? 'ok' : 'degraded';
  // Engine names and errors are for people who log in; a load balancer only needs the verdict.
  if (!detailed) return { status, version: process.env.npm_package_version ?? '0.1.0' };
  return {
    status,
    problems,
    version: process.env.npm_package_version ?? '0.1.0',
    startedAt: rt.startedAt,
    store: { kind: 'sqlite', seq: await rt.store.lastSeq(), ok: store.ok, lastError: store.lastError },
    engines: statuses.map((s) => ({ id: s.id, status: s.status, lastSuccessAt: s.lastSuccessAt })),
    simulator: rt.sim !== null,
    streams: rt.bus.size(),
  };
}

/** What can be started on a connection (libvirt: domains and disks). */
export async function engineInventory(id: string) {
  const rt = await getRuntime();
  const { adapter } = rt.collector.connection(id);
  if (!adapter.inventory) throw new AppError('unsupported', `${adapter.engine} connections start nothing from phaseboard`);
  return adapter.inventory();
}

/** Starts a block copy or a live migration; the operation then shows up like any other. */
export async function engineStart(id: string, kind: string, body: unknown, actor: string) {
  const parsedKind = StartKindSchema.safeParse(kind);
  if (!parsedKind.success) throw new AppError('invalid_input', `unknown kind "${kind}"; one of block_copy, live_migration`, { field: 'kind' });
  const rt = await getRuntime();
  const { adapter, poller } = rt.collector.connection(id);
  if (!adapter.start) throw new AppError('unsupported', `${adapter.engine} connections start nothing from phaseboard`);
  const lines: string[] = [];
  const params = parsedKind.data === 'live_migration' ? withDestination(rt.connections, id, body) : body;
  const result = await adapter.start(parsedKind.data, params, (l) => lines.push(l));
  rt.log.info({ connection: id, kind, actor, commands: lines }, 'operation started from phaseboard');
  poller.nudge(300);
  return { ...result, commands: lines };
}

const StartKindSchema = z.enum(['block_copy', 'live_migration']);

/** An engine still "starting" this long after phaseboard started has not answered once. */
const STARTING_TOO_LONG_MS = 60_000;

/** What makes phaseboard degraded, in words: a store that cannot commit, failing engines, engines that never answered. */
export function healthProblems(o: { store: StoreHealth; statuses: ConnectionStatus[]; startedAt: string; now: number }): string[] {
  const stuck = o.now - Date.parse(o.startedAt) > STARTING_TOO_LONG_MS;
  return [
    ...(o.store.ok ? [] : [`the store cannot commit since ${o.store.failingSince}: ${o.store.lastError}`]),
    ...o.statuses.filter((s) => s.status === 'degraded').map((s) => `engine ${s.id} is failing: ${s.lastError ?? 'unknown error'}`),
    ...o.statuses.filter((s) => s.status === 'starting' && stuck).map((s) => `engine ${s.id} has not answered since phaseboard started`),
  ];
}

/**
 * A migration names its destination by connection id (the safe way: a URI
 * phaseboard already checked), or by a URI that the adapter checks itself.
 */
function withDestination(connections: Runtime['connections'], from: string, body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('destination' in body)) return body;
  const { destination, ...rest } = body as Record<string, unknown>;
  const target = connections.find((c) => c.id === destination && c.engine === 'libvirt' && c.id !== from && !c.simulated);
  if (!target) {
    const names = connections.filter((c) => c.engine === 'libvirt' && c.id !== from && !c.simulated).map((c) => c.id);
    throw new AppError('invalid_input', `destination: no other libvirt connection "${String(destination).slice(0, 64)}"; one of: ${names.join(', ') || 'none'}`, { field: 'destination' });
  }
  return { ...rest, destinationUri: target.url };
}

export async function engineAdd(body: unknown, actor: string) {
  return addConnection(await getRuntime(), body, actor);
}

export async function engineRemove(id: string, actor: string) {
  return removeConnection(await getRuntime(), id, actor);
}
