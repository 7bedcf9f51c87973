import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { ganetiEngine } from './ganeti';
import { libvirtEngine } from './libvirt';
import type { AnyEngineModule } from './module';
import { openstackEngine } from './openstack';
import { ovirtEngine } from './ovirt';

/** Every engine phaseboard speaks, once. The config, the API, the Engines and demo pages and the filters come from this list. */
export const ENGINES: readonly AnyEngineModule[] = [ovirtEngine, libvirtEngine, openstackEngine, ganetiEngine];

/** The module of an engine kind among `engines`; an unknown one is an error, never another engine's rules. */
export function engineModule(kind: string, engines: readonly AnyEngineModule[] = ENGINES): AnyEngineModule {
  const m = engines.find((e) => e.kind === kind);
  if (!m) throw new AppError('not_found', `no engine "${kind}"; known: ${engines.map((e) => e.kind).join(', ')}`);
  return m;
}
