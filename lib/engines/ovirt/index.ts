import 'server-only';
import { ovirtSimulator } from '@/lib/engines/ovirt/sim/embedded';
import { defineEngine } from '../module';
import { OVIRT_ACTIONS } from './actions';
import { createOvirtAdapter, type OvirtAdapter } from './adapter';
import { OvirtConnectionConfig, ovirtFromEnv, redactOvirt, resolveOvirt, type OvirtConnection } from './config';
import { OVIRT_DETAILS } from './normalize';
import { OVIRT_PLAYBOOKS } from './triage/playbooks';
import { OVIRT_RULES } from './triage/rules';

export { createOvirtAdapter, type OvirtAdapter, type OvirtAdapterOptions } from './adapter';

/** oVirt / RHV image transfers: the engine module the registry lists. */
export const ovirtEngine = defineEngine<OvirtConnectionConfig, undefined, OvirtAdapter>({
  kind: 'ovirt',
  label: 'oVirt / RHV',
  connectionSchema: OvirtConnectionConfig as never,
  fromEnv: ovirtFromEnv,
  resolve: resolveOvirt,
  redact: (c) => redactOvirt(c as OvirtConnection),
  describe: (c) => ({ url: c.url, insecure: c.url.startsWith('http:') }),
  createAdapter: (c, { log }) => {
    const o = c as OvirtConnection;
    return createOvirtAdapter({ url: o.url, username: o.username, password: o.password, ca: o.ca, timeoutMs: o.timeoutMs, log });
  },
  async testConnection(adapter) {
    await adapter.client.apiRoot();
  },
  capabilities: { push: false, inventory: false, start: [], addable: false, actions: OVIRT_ACTIONS },
  details: OVIRT_DETAILS,
  triage: { rules: OVIRT_RULES, playbooks: OVIRT_PLAYBOOKS },
  simulator: ovirtSimulator,
  ui: {},
});
