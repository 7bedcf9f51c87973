import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { Actor } from '@/lib/model/actor';
import { addConnection, removeConnection } from '@/lib/runtime/connections';
import type { Runtime } from '@/lib/runtime/runtime';
import type { ConnectionStatus, StoreHealth } from '@/lib/store/types';

/**
 * Engine connections with their health (URLs and ids only, never
 * credentials), and the engines phaseboard speaks, from the registry: what
 * the Engines page, the filters and the forms are built from.
 */
export async function engineList(rt: Runtime) {
  const statuses = new Map(rt.collector.statuses().map((s) => [s.id, s]));
  return {
    engines: rt.connections.map((c) => ({ ...c, status: statuses.get(c.id) ?? null })),
    modules: rt.engines.map((m) => ({
      kind: m.kind,
      label: m.label,
      addable: m.capabilities.addable,
      start: m.capabilities.start,
      inventory: m.capabilities.inventory,
      details: m.details,
      actions: Object.fromEntries(Object.entries(m.capabilities.actions).map(([kind, list]) => [kind, list.map((a) => a.name)])),
      ui: m.ui,
    })),
  };
}

export async function health(rt: Runtime, { detailed }: { detailed: boolean }) {
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
    simulators: [...rt.simulators.keys()],
    streams: rt.bus.size(),
  };
}

/**
 * Polls one connection now, and runs triage on what it saw, instead of
 * waiting for the next cycle: "Check now" on the Engines page. Answers once
 * both are done, with the connection's state after the poll.
 */
export async function engineRefresh(rt: Runtime, id: string) {
  rt.moduleOf(id);
  const { poller } = rt.collector.connection(id);
  await poller.refresh();
  await rt.triage.evaluator.idle();
  return { id, status: poller.status.status, lastError: poller.status.lastError, checkedAt: new Date().toISOString() };
}

/** What work can start on, for the connection's engine UI part (libvirt: domains and disks). */
export async function engineInventory(rt: Runtime, id: string) {
  const module = rt.moduleOf(id);
  const { adapter } = rt.collector.connection(id);
  if (!module.capabilities.inventory || !adapter.inventory) throw new AppError('unsupported', `${module.label} connections list nothing to start work on`);
  return adapter.inventory();
}

/** Starts what the connection's engine can start; the operation then shows up like any other. */
export async function engineStart(rt: Runtime, id: string, kind: string, body: unknown, actor: Actor) {
  const module = rt.moduleOf(id);
  const kinds = module.capabilities.start.map((k) => k.kind);
  if (!kinds.includes(kind)) {
    throw new AppError('invalid_input', `kind: ${module.label} starts ${kinds.join(', ') || 'nothing'} from phaseboard, not "${kind.slice(0, 40)}"`, {
      field: 'kind',
    });
  }
  const { adapter, poller } = rt.collector.connection(id);
  if (!adapter.start) throw new AppError('unsupported', `${module.label} connections start nothing from phaseboard`);
  const lines: string[] = [];
  // Another connection named in the request (a migration's destination) is the engine's to resolve.
  const params = module.startParams ? module.startParams(kind, body, { from: id, connections: rt.connections }) : body;
  const result = await adapter.start(kind, params, (l) => lines.push(l));
  rt.log.info({ connection: id, kind, actor, commands: lines }, 'operation started from phaseboard');
  poller.nudge(300);
  return { ...result, commands: lines };
}

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

export async function engineAdd(rt: Runtime, body: unknown, actor: Actor) {
  return addConnection(rt, body, actor);
}

export async function engineRemove(rt: Runtime, id: string, actor: Actor) {
  return removeConnection(rt, id, actor);
}
