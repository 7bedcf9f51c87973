import 'server-only';
import { randomBytes } from 'node:crypto';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import type { Bus } from '@/lib/bus/types';
import { Collector } from '@/lib/collector/collector';
import { loadConfig, type PhaseboardConfig, type ResolvedConnection } from '@/lib/config/load-config';
import { LibvirtConnectionConfig } from '@/lib/config/schema';
import type { EngineKind } from '@/lib/model/operation';
import { createLibvirtAdapter } from '@/lib/engines/libvirt';
import { createAdapter, engineTriage } from '@/lib/engines/registry';
import { libvirtUriProblem } from '@/lib/engines/libvirt/uri';
import { SimLibvirtHost } from '@/lib/sim/libvirt/host';
import { IDLE_DOMAINS, startLibvirtMix } from '@/lib/sim/libvirt/mix';
import { SimVirshTransport } from '@/lib/sim/libvirt/transport';
import { logger, type Logger } from '@/lib/log/logger';
import { OvirtSimServer } from '@/lib/sim/ovirt/server';
import { recoverInterruptedRuns } from '@/lib/actions/recover';
import { requestAction } from '@/lib/actions/request-action';
import type { ConnectionFacts } from '@/lib/model/connection';
import { startAuth, type AuthRuntime } from '@/lib/auth/setup';
import { lockDataDir } from '@/lib/store/data-dir-lock';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import { Notifier } from '@/lib/notify/notifier';
import { WebhookDispatcher } from '@/lib/notify/webhook';
import { TriageEvaluator } from '@/lib/triage/evaluator';
import { GENERIC_PLAYBOOKS } from '@/lib/triage/generic-playbooks';
import type { RunnerDeps } from '@/lib/triage/playbook-runner';

export interface Runtime {
  config: PhaseboardConfig;
  store: Store;
  /** logins, users, tokens */
  auth: AuthRuntime;
  bus: Bus;
  collector: Collector;
  /** findings after every cycle, and the playbooks that remedy them */
  triage: { evaluator: TriageEvaluator; runner: RunnerDeps };
  /** webhooks and what they were sent */
  notify: { dispatcher: WebhookDispatcher; notifier: Notifier };
  log: Logger;
  /** the embedded simulators, when they run */
  sim: OvirtSimServer | null;
  simLibvirt: SimLibvirtHost | null;
  /** public facts about each connection: never credentials */
  connections: ConnectionFacts[];
  /** which engine each connection id speaks (connections added at run time included) */
  engineOf: Map<string, EngineKind>;
  startedAt: string;
  /** aborts when the process is stopping: event streams end on it */
  stopping: AbortSignal;
  stop(): Promise<void>;
}

export const SIM_CONNECTION_ID = 'sim-ovirt';
export const SIM_LIBVIRT_ID = 'sim-libvirt';
const SIM_LIBVIRT_URI = 'sim+test:///system';

/** Builds and starts everything: store, bus, simulator (if on), collector. */
export async function startRuntime(config: PhaseboardConfig = loadConfig()): Promise<Runtime> {
  const log = logger;
  const lock = lockDataDir(config.dataDir);
  let store: Store;
  try {
    store = openSqliteStore(config.dataDir);
  } catch (e) {
    lock.release();
    throw e;
  }
  const stopping = new AbortController();
  const auth = await startAuth({ store, config, log: log.child({ part: 'auth' }) });
  const bus = createMemoryBus();
  const engines: ResolvedConnection[] = [...config.engines];
  let sim: OvirtSimServer | null = null;
  let simLibvirt: SimLibvirtHost | null = null;
  let stopLibvirtMix = () => {};
  if (config.simulator.enabled) {
    // The simulator's credentials are made up per start and stay in this process.
    const password = randomBytes(18).toString('base64url');
    sim = new OvirtSimServer({ username: 'admin@internal', password });
    const url = await sim.start();
    sim.setMix(config.simulator.mix, config.simulator.speed);
    engines.push({
      id: SIM_CONNECTION_ID,
      engine: 'ovirt',
      url,
      // loopback, with credentials made up for this process
      insecure: true,
      username: 'admin@internal',
      password,
      pollIntervalMs: { fast: 1000, slow: 10_000 },
      timeoutMs: 15_000,
      simulated: true,
    });
    // libvirt, simulated in process: the adapter reads the same virsh text from it.
    simLibvirt = new SimLibvirtHost();
    for (const name of IDLE_DOMAINS) simLibvirt.addIdleDomain(name);
    if (config.simulator.mix > 0)
      stopLibvirtMix = startLibvirtMix(simLibvirt, { active: Math.max(1, Math.ceil(config.simulator.mix / 3)), speed: config.simulator.speed });
    engines.push({
      id: SIM_LIBVIRT_ID,
      engine: 'libvirt',
      uri: SIM_LIBVIRT_URI,
      pollIntervalMs: { fast: 1000, slow: 10_000 },
      timeoutMs: 15_000,
      simulated: true,
    });
  }
  // Connections added from the UI, kept in the store; the config file's win on a clash.
  const added = new Set<string>();
  for (const c of await store.listConnectionConfigs()) {
    const parsed = LibvirtConnectionConfig.safeParse({ id: c.id, engine: c.engine, uri: c.uri, storageDirs: c.storageDirs });
    const problem = parsed.success ? libvirtUriProblem(parsed.data.uri, config.libvirt) : 'invalid';
    if (problem) {
      log.warn({ connection: c.id, problem }, 'skipping a stored connection: its URI breaks the libvirt URI rules');
      continue;
    }
    if (!parsed.success || engines.some((e) => e.id === c.id)) {
      log.warn({ connection: c.id }, 'skipping a stored connection: invalid, or its id is taken by the config');
      continue;
    }
    engines.push({ ...parsed.data, simulated: false });
    added.add(c.id);
  }
  const engineOf = new Map<string, EngineKind>(engines.map((e) => [e.id, e.engine]));
  const triageOf = (connectionId: string) => engineTriage(engineOf.get(connectionId) ?? 'ovirt');
  const dispatcher = new WebhookDispatcher({ store, webhooks: config.webhooks, log: log.child({ part: 'webhooks' }) });
  const notifier = new Notifier({ store, bus, dispatcher, log: log.child({ part: 'notify' }) });
  const evaluator = new TriageEvaluator({
    store,
    bus,
    log: log.child({ part: 'triage' }),
    rulesFor: (id) => triageOf(id).rules,
    stallAfterS: config.triage.stallAfterS,
    expectedPhaseS: config.triage.expectedPhaseS,
    onOpened: notifier.findingOpened,
  });
  const collector = new Collector(
    engines.map((e) => ({
      id: e.id,
      engine: e.engine,
      fastMs: e.pollIntervalMs.fast,
      slowMs: e.pollIntervalMs.slow,
      adapter:
        e.id === SIM_LIBVIRT_ID && simLibvirt
          ? createLibvirtAdapter({ uri: SIM_LIBVIRT_URI, transport: new SimVirshTransport(simLibvirt), log: log.child({ engine: e.engine, connection: e.id }) })
          : createAdapter(e, log.child({ engine: e.engine, connection: e.id }), config),
    })),
    { store, bus, log, onCycle: evaluator.onCycle },
  );
  const runner: RunnerDeps = {
    store,
    bus,
    collector,
    log: log.child({ part: 'playbooks' }),
    playbooksFor: (id) => [...GENERIC_PLAYBOOKS, ...triageOf(id).playbooks],
    async evaluateNow(id) {
      await collector.connection(id).poller.pollOnce();
      await evaluator.idle();
    },
    requestAction: (input) => requestAction({ store, collector, log }, input),
  };
  notifier.start();
  dispatcher.start();
  await collector.start();
  // Runs a crash left "running" are interrupted now; the engines are asked how things stand.
  void recoverInterruptedRuns({ store, collector, log }).catch((e: unknown) => log.error({ err: e }, 'could not recover interrupted runs'));
  log.info({ engines: engines.map((e) => e.id), dataDir: config.dataDir, simulator: config.simulator.enabled }, 'phaseboard started');
  return {
    config,
    store,
    auth,
    bus,
    collector,
    triage: { evaluator, runner },
    notify: { dispatcher, notifier },
    log,
    sim,
    simLibvirt,
    connections: engines.map((e) => ({
      id: e.id,
      engine: e.engine,
      url: e.engine === 'ovirt' ? e.url : e.uri,
      simulated: e.simulated,
      added: added.has(e.id),
      insecure: e.engine === 'ovirt' && e.url.startsWith('http:'),
    })),
    engineOf,
    startedAt: new Date().toISOString(),
    stopping: stopping.signal,
    async stop() {
      stopping.abort();
      await collector.stop();
      await evaluator.idle();
      notifier.stop();
      dispatcher.stop();
      stopLibvirtMix();
      await sim?.stop();
      await store.close();
      lock.release();
    },
  };
}
