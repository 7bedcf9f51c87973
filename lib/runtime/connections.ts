import 'server-only';
import { z } from 'zod';
import { LibvirtConnectionConfig } from '@/lib/config/schema';
import { createAdapter } from '@/lib/engines/registry';
import { AppError } from '@/lib/errors/app-error';
import { parseLibvirtUri } from '@/lib/engines/libvirt/uri';
import { parseInput } from '@/lib/errors/zod-error';
import type { Runtime } from './runtime';

const AddBody = z.strictObject({
  id: LibvirtConnectionConfig.shape.id,
  engine: z.literal('libvirt'),
  uri: LibvirtConnectionConfig.shape.uri,
  storageDirs: LibvirtConnectionConfig.shape.storageDirs,
});

/**
 * Adds a libvirt connection while phaseboard runs. The URI is tried first
 * (one list call); a connection that does not answer is not saved, and the
 * answer carries libvirt's words. Kept in the store across restarts.
 */
export async function addConnection(rt: Runtime, body: unknown, actor: string) {
  const { id, uri, storageDirs } = parseInput(AddBody, body, 'connection');
  // Before anything is tried: libvirt runs programs for some URIs.
  parseLibvirtUri(uri, rt.config.libvirt);
  if (rt.engineOf.has(id)) throw new AppError('conflict', `there is already a connection "${id}"`, { field: 'id' });
  const resolved = parseInput(LibvirtConnectionConfig, { id, engine: 'libvirt', uri, storageDirs }, 'connection');
  const adapter = createAdapter({ ...resolved, simulated: false }, rt.log.child({ engine: 'libvirt', connection: id }), rt.config);
  try {
    await adapter.listOperations();
  } catch (e) {
    await adapter.close();
    throw e;
  }
  await rt.collector.add({ id, engine: 'libvirt', adapter, fastMs: resolved.pollIntervalMs.fast, slowMs: resolved.pollIntervalMs.slow });
  await rt.store.saveConnectionConfig({ id, engine: 'libvirt', uri, storageDirs, addedBy: actor, addedAt: new Date().toISOString() });
  rt.engineOf.set(id, 'libvirt');
  rt.connections.push({ id, engine: 'libvirt', url: uri, simulated: false, added: true, insecure: false });
  rt.log.info({ connection: id, uri, actor }, 'connection added');
  return { id, engine: 'libvirt', url: uri };
}

/** Removes a connection added from the UI; what it recorded stays in the history. */
export async function removeConnection(rt: Runtime, id: string, actor: string) {
  const c = rt.connections.find((x) => x.id === id);
  if (!c) throw new AppError('not_found', `no engine connection "${id}"`);
  if (!c.added) throw new AppError('conflict', `connection "${id}" comes from the config file or the simulator; change it there`);
  await rt.collector.remove(id);
  await rt.store.deleteConnectionConfig(id);
  rt.engineOf.delete(id);
  rt.connections.splice(rt.connections.indexOf(c), 1);
  rt.log.info({ connection: id, actor }, 'connection removed');
  return { removed: id };
}
