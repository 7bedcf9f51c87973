import 'server-only';
import { defineEngine } from '../module';
import { GANETI_ACTIONS } from './actions';
import { createGanetiAdapter, type GanetiAdapter } from './adapter';
import { GanetiConnectionConfig, ganetiFromEnv, redactGaneti, resolveGaneti, type GanetiConnection } from './config';
import { GANETI_DETAILS } from './normalize';
import { ganetiSimulator } from './sim/embedded';
import { GANETI_PLAYBOOKS } from './triage/playbooks';
import { GANETI_RULES } from './triage/rules';

export { createGanetiAdapter, type GanetiAdapter, type GanetiAdapterOptions } from './adapter';

/** Ganeti instance jobs (migrations, failovers, cleanups) over RAPI: the engine module the registry lists. */
export const ganetiEngine = defineEngine<GanetiConnectionConfig, undefined, GanetiAdapter>({
  kind: 'ganeti',
  label: 'Ganeti',
  connectionSchema: GanetiConnectionConfig as never,
  fromEnv: ganetiFromEnv,
  resolve: resolveGaneti,
  redact: (c) => redactGaneti(c as GanetiConnection),
  describe: (c) => ({ url: c.url, insecure: c.url.startsWith('http:') }),
  createAdapter: (c, { log }) => {
    const g = c as GanetiConnection;
    return createGanetiAdapter({
      url: g.url,
      username: g.username,
      password: g.secret ?? g.password ?? '',
      certSha256: g.certSha256,
      ca: g.ca,
      timeoutMs: g.timeoutMs,
      log,
    });
  },
  async testConnection(adapter) {
    await adapter.client.info();
  },
  capabilities: {
    push: true,
    inventory: true,
    start: [
      { kind: 'live_migration', label: 'Live migration' },
      { kind: 'cold_migration', label: 'Non-live migration' },
      { kind: 'failover', label: 'Failover' },
    ],
    addable: false,
    actions: GANETI_ACTIONS,
  },
  details: GANETI_DETAILS,
  triage: { rules: GANETI_RULES, playbooks: GANETI_PLAYBOOKS },
  simulator: ganetiSimulator,
  ui: { startForm: 'ganeti.start' },
});
