import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
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

const Destination = z.object({ destination: z.string().max(64) }).loose();

/**
 * A migration goes to one of the configured libvirt connections, named by
 * id: a guest's memory is only ever sent to a host an admin added (its URI
 * already checked), never to a URI typed with the request.
 */
function withDestination(connections: Runtime['connections'], from: string, body: unknown): unknown {
  if (typeof body === 'object' && body !== null && 'destinationUri' in body) {
    throw new AppError(
      'invalid_input',
      'destinationUri: name the destination by its connection id (destination); phaseboard migrates only to configured connections',
      { field: 'destinationUri' },
    );
  }
  const { destination, ...rest } = parseInput(Destination, body, 'live migration');
  const choices = connections.filter((c) => c.engine === 'libvirt' && c.id !== from && !c.simulated);
  const target = choices.find((c) => c.id === destination);
  if (!target)
    throw new AppError('invalid_input', `destination: no other libvirt connection "${destination}"; one of: ${choices.map((c) => c.id).join(', ') || 'none'}`, {
      field: 'destination',
    });
  return { ...rest, destinationUri: target.url };
}

export async function engineAdd(body: unknown, actor: string) {
  return addConnection(await getRuntime(), body, actor);
}

export async function engineRemove(id: string, actor: string) {
  return removeConnection(await getRuntime(), id, actor);
}
