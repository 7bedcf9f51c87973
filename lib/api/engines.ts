import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { addConnection, removeConnection } from '@/lib/runtime/connections';
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
  const result = await adapter.start(parsedKind.data, body, (l) => lines.push(l));
  rt.log.info({ connection: id, kind, actor, commands: lines }, 'operation started from phaseboard');
  poller.nudge(300);
  return { ...result, commands: lines };
}

const StartKindSchema = z.enum(['block_copy', 'live_migration']);

export async function engineAdd(body: unknown, actor: string) {
  return addConnection(await getRuntime(), body, actor);
}

export async function engineRemove(id: string, actor: string) {
  return removeConnection(await getRuntime(), id, actor);
}
