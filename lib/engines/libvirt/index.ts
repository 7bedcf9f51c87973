import 'server-only';
import { libvirtSimulator } from '@/lib/engines/libvirt/sim/embedded';
import { defineEngine } from '../module';
import { LIBVIRT_ACTIONS } from './actions';
import { createLibvirtAdapter, type LibvirtAdapter } from './adapter';
import { checkLibvirt, LibvirtConnectionConfig, libvirtFromEnv, LibvirtSettings, uriPolicy, withDestination } from './config';
import { LIBVIRT_DETAILS } from './normalize';
import { LIBVIRT_PLAYBOOKS } from './triage/playbooks';
import { LIBVIRT_RULES } from './triage/rules';
import { parseLibvirtUri } from './uri';

export { createLibvirtAdapter, type LibvirtAdapter, type LibvirtAdapterOptions } from './adapter';

/** libvirt / QEMU block jobs and live migrations: the engine module the registry lists. */
export const libvirtEngine = defineEngine<LibvirtConnectionConfig, LibvirtSettings | undefined, LibvirtAdapter>({
  kind: 'libvirt',
  label: 'libvirt / QEMU',
  connectionSchema: LibvirtConnectionConfig,
  settingsSchema: LibvirtSettings,
  fromEnv: libvirtFromEnv,
  check: checkLibvirt,
  resolve: (c) => ({ ...c, simulated: false }),
  redact: (c) => ({ id: c.id, engine: c.engine, uri: c.uri, storageDirs: c.storageDirs ?? null, pollIntervalMs: c.pollIntervalMs, timeoutMs: c.timeoutMs }),
  describe: (c) => ({ url: c.uri, insecure: false }),
  createAdapter(c, { log, settings }) {
    const policy = uriPolicy(settings);
    const uri = parseLibvirtUri(c.uri, policy);
    return createLibvirtAdapter({ uri: c.uri, timeoutMs: c.timeoutMs, log, uriPolicy: policy, storageDirs: c.storageDirs, checkLocalFiles: uri.local });
  },
  async testConnection(adapter) {
    await adapter.listOperations();
  },
  capabilities: {
    push: true,
    inventory: true,
    start: [
      { kind: 'block_copy', label: 'Block copy' },
      { kind: 'live_migration', label: 'Live migration' },
    ],
    addable: true,
    actions: LIBVIRT_ACTIONS,
  },
  startParams: (kind, body, ctx) => (kind === 'live_migration' ? withDestination(body, ctx) : body),
  details: LIBVIRT_DETAILS,
  triage: { rules: LIBVIRT_RULES, playbooks: LIBVIRT_PLAYBOOKS },
  simulator: libvirtSimulator,
  ui: { connectionForm: 'libvirt.connection', startForm: 'libvirt.start' },
});
