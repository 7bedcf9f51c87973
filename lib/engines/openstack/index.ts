import 'server-only';
import { openstackSimulator } from '@/lib/engines/openstack/sim/embedded';
import { defineEngine } from '../module';
import { OPENSTACK_ACTIONS } from './actions';
import { createOpenStackAdapter, type OpenStackAdapter } from './adapter';
import { authOf, OpenStackConnectionConfig, openstackFromEnv, redactOpenStack, resolveOpenStack, type OpenStackConnection } from './config';
import { OPENSTACK_DETAILS } from './normalize';
import { OPENSTACK_PLAYBOOKS } from './triage/playbooks';
import { OPENSTACK_RULES } from './triage/rules';

export { createOpenStackAdapter, type OpenStackAdapter, type OpenStackAdapterOptions } from './adapter';

/** OpenStack Nova migrations (and, next, Cinder attachments): the engine module the registry lists. */
export const openstackEngine = defineEngine<OpenStackConnectionConfig, undefined, OpenStackAdapter>({
  kind: 'openstack',
  label: 'OpenStack',
  connectionSchema: OpenStackConnectionConfig as never,
  fromEnv: openstackFromEnv,
  resolve: resolveOpenStack,
  redact: (c) => redactOpenStack(c as OpenStackConnection),
  describe: (c) => ({ url: c.authUrl, insecure: c.authUrl.startsWith('http:') }),
  createAdapter: (c, { log }) => {
    const o = c as OpenStackConnection;
    return createOpenStackAdapter({
      authUrl: o.authUrl,
      auth: authOf(o),
      region: o.region,
      interface: o.interface,
      insecure: o.insecure,
      ca: o.ca,
      timeoutMs: o.timeoutMs,
      cap: o.microversionCap,
      resizeConfirmWindowS: o.resizeConfirmWindowS,
      log,
    });
  },
  async testConnection(adapter) {
    await adapter.client.service('compute');
  },
  capabilities: {
    push: false,
    inventory: true,
    start: [
      { kind: 'live_migration', label: 'Live migration' },
      { kind: 'cold_migration', label: 'Cold migration' },
    ],
    addable: false,
    actions: OPENSTACK_ACTIONS,
  },
  details: OPENSTACK_DETAILS,
  triage: { rules: OPENSTACK_RULES, playbooks: OPENSTACK_PLAYBOOKS },
  simulator: openstackSimulator,
  ui: { startForm: 'openstack.start' },
});
