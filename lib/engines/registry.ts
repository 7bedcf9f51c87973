import 'server-only';
import type { ResolvedConnection } from '@/lib/config/load-config';
import type { Logger } from '@/lib/log/logger';
import type { EngineKind } from '@/lib/model/operation';
import { createLibvirtAdapter } from './libvirt';
import { parseLibvirtUri, type LibvirtUriPolicy } from './libvirt/uri';
import { libvirtTriage } from './libvirt/triage';
import { createOvirtAdapter } from './ovirt';
import type { EngineTriage } from '@/lib/triage/rule';
import { ovirtTriage } from './ovirt/triage';
import type { EngineAdapter } from './types';

/** The adapter for one configured connection; libvirt URIs are checked against the policy first. */
export function createAdapter(c: ResolvedConnection, log: Logger, settings: { libvirt: LibvirtUriPolicy }): EngineAdapter {
  switch (c.engine) {
    case 'ovirt':
      return createOvirtAdapter({ url: c.url, username: c.username, password: c.password, ca: c.ca, timeoutMs: c.timeoutMs, log });
    case 'libvirt': {
      const uri = parseLibvirtUri(c.uri, settings.libvirt);
      return createLibvirtAdapter({
        uri: c.uri,
        timeoutMs: c.timeoutMs,
        log,
        uriPolicy: settings.libvirt,
        storageDirs: c.storageDirs,
        checkLocalFiles: uri.local,
      });
    }
  }
}

/** Each engine's triage rules and playbooks, beside its adapter. */
const TRIAGE: Partial<Record<EngineKind, EngineTriage<EngineAdapter>>> = {
  // Each engine's playbooks may use its own adapter's extras; only its connections reach them.
  ovirt: ovirtTriage as unknown as EngineTriage<EngineAdapter>,
  libvirt: libvirtTriage as unknown as EngineTriage<EngineAdapter>,
};

export function engineTriage(engine: EngineKind): EngineTriage<EngineAdapter> {
  return TRIAGE[engine] ?? { rules: [], playbooks: [] };
}
