import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import type { Actor } from '@/lib/model/actor';
import { parseInput } from '@/lib/errors/zod-error';
import { collected, factsOf, type Runtime } from './runtime';

const AddBody = z.object({ id: z.string().max(64), engine: z.string().max(32) }).loose();

/**
 * Adds a connection while phaseboard runs (engines whose config holds no
 * secret: libvirt). Its engine's schema and checks hold it first (libvirt's
 * URI rules); then it is tried with its engine's test call, and a
 * connection that does not answer is not kept: the answer carries the
 * engine's words. Kept in the store across restarts.
 */
export async function addConnection(rt: Runtime, body: unknown, actor: Actor) {
  const { engine } = parseInput(AddBody, body, 'connection');
  const module = rt.engines.find((m) => m.kind === engine && m.capabilities.addable);
  if (!module) {
    const addable = rt.engines.filter((m) => m.capabilities.addable).map((m) => m.kind);
    throw new AppError('invalid_input', `engine: connections of "${engine}" cannot be added here; one of: ${addable.join(', ') || 'none'}`, {
      field: 'engine',
    });
  }
  const config = parseInput(module.connectionSchema, body, 'connection') as { id: string; engine: string };
  // Before anything is tried: libvirt runs programs for some URIs.
  const problem = module.check?.(config, rt.config.engineSettings[module.kind]);
  if (problem) throw new AppError('invalid_input', `${problem.field}: ${problem.message}`, { field: problem.field });
  if (rt.connections.some((c) => c.id === config.id)) throw new AppError('conflict', `there is already a connection "${config.id}"`, { field: 'id' });
  const resolved = { ...module.resolve(config, noFiles), simulated: false };
  const connection = collected(module, resolved, undefined, rt.config, rt.log);
  try {
    await module.testConnection(connection.adapter);
  } catch (e) {
    await connection.adapter.close();
    throw e;
  }
  await rt.collector.add(connection);
  await rt.store.saveConnectionConfig({ id: config.id, engine: module.kind, config, addedBy: actor, addedAt: new Date().toISOString() });
  const facts = factsOf(module, resolved, true);
  rt.connections.push(facts);
  rt.log.info({ connection: config.id, url: facts.url, actor }, 'connection added');
  return { id: facts.id, engine: facts.engine, url: facts.url };
}

/** An added connection names no file: a config that tries to is refused. */
const noFiles = {
  read: (field: string): never => {
    throw new AppError('invalid_input', `${field}: connections added here cannot read files`, { field });
  },
  fail: (field: string, message: string): never => {
    throw new AppError('invalid_input', `${field}: ${message}`, { field });
  },
};

/** Removes a connection added from the UI; what it recorded stays in the history. */
export async function removeConnection(rt: Runtime, id: string, actor: Actor) {
  const c = rt.connections.find((x) => x.id === id);
  if (!c) throw new AppError('not_found', `no engine connection "${id}"`);
  if (!c.added) throw new AppError('conflict', `connection "${id}" comes from the config file or the simulator; change it there`);
  await rt.collector.remove(id);
  await rt.store.deleteConnectionConfig(id);
  rt.connections.splice(rt.connections.indexOf(c), 1);
  rt.log.info({ connection: id, actor }, 'connection removed');
  return { removed: id };
}
