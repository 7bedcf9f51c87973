import 'server-only';
import { recoverInterruptedRuns } from '@/lib/actions/recover';
import { requestAction } from '@/lib/actions/request-action';
import { startAuth, type AuthRuntime } from '@/lib/auth/setup';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import type { Bus } from '@/lib/bus/types';
import { Collector, type CollectedConnection } from '@/lib/collector/collector';
import { loadConfig, type PhaseboardConfig, type ResolvedConnection } from '@/lib/config/load-config';
import type { AnyEngineModule, RunningSimulator } from '@/lib/engines/module';
import { ENGINES, engineModule } from '@/lib/engines/registry';
import { SimClock } from '@/lib/engines/sim-clock';
import { AppError } from '@/lib/errors/app-error';
import { logger, type Logger } from '@/lib/log/logger';
import type { ConnectionFacts } from '@/lib/model/connection';
import { Notifier } from '@/lib/notify/notifier';
import { WebhookDispatcher } from '@/lib/notify/webhook';
import { lockDataDir } from '@/lib/store/data-dir-lock';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
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
  /** the engines this phaseboard speaks: the registry's (a test may bring its own) */
  engines: readonly AnyEngineModule[];
  /** the simulated engines' time (skipped ahead from the demo page); null when no simulator runs */
  simClock: SimClock | null;
  /** the embedded simulators that run, by their connection id */
  simulators: Map<string, { module: AnyEngineModule; sim: RunningSimulator<ResolvedConnection> }>;
  /** a presenter's quiet stage: the background mix paused since `since`, and Live shows only what started after */
  stage: { quiet: boolean; since: string | null };
  /** public facts about each connection: never credentials */
  connections: ConnectionFacts[];
  /** the module of a connection's engine; an unknown connection is not_found, never another engine's rules */
  moduleOf(connectionId: string): AnyEngineModule;
  startedAt: string;
  /** aborts when the process is stopping: event streams end on it */
  stopping: AbortSignal;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** the engine modules (default: the registry's) */
  engines?: readonly AnyEngineModule[];
}

/** Builds and starts everything: store, logins, bus, simulators (if on), collector, triage, webhooks. */
export async function startRuntime(config: PhaseboardConfig = loadConfig(), options: RuntimeOptions = {}): Promise<Runtime> {
  const log = logger;
  const engines = options.engines ?? ENGINES;
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

  const connections: (ResolvedConnection & { added: boolean })[] = config.engines.map((e) => ({ ...e, added: false }));
  // The embedded simulators, each with a connection of its own.
  const simulators: Runtime['simulators'] = new Map();
  const simClock = config.simulator.enabled ? new SimClock() : null;
  if (simClock) {
    for (const module of engines) {
      if (!module.simulator) continue;
      const sim = await module.simulator.start({
        mix: config.simulator.mix,
        speed: config.simulator.speed,
        log: log.child({ engine: module.kind, part: 'simulator' }),
        clock: simClock,
      });
      simulators.set(sim.connection.id, { module, sim });
      connections.push({ ...sim.connection, added: false });
    }
  }
  // Connections added from the UI, kept in the store; the config file's win on a clash.
  for (const stored of await store.listConnectionConfigs()) {
    const module = engines.find((m) => m.kind === stored.engine);
    const parsed = module?.connectionSchema.safeParse(stored.config);
    const problem =
      !module || !parsed?.success ? 'not a valid connection of a known engine' : module.check?.(parsed.data, config.engineSettings[module.kind])?.message;
    if (problem || connections.some((c) => c.id === stored.id)) {
      log.warn({ connection: stored.id, problem: problem ?? 'its id is taken by the config' }, 'skipping a stored connection');
      continue;
    }
    connections.push({ ...(parsed!.data as ResolvedConnection), simulated: false, added: true });
  }

  const moduleOf = (connectionId: string) => {
    const c = connections.find((x) => x.id === connectionId);
    if (!c) throw new AppError('not_found', `no engine connection "${connectionId}"`);
    return engineModule(c.engine, engines);
  };
  const dispatcher = new WebhookDispatcher({ store, webhooks: config.webhooks, log: log.child({ part: 'webhooks' }) });
  const notifier = new Notifier({ store, bus, dispatcher, log: log.child({ part: 'notify' }) });
  const evaluator = new TriageEvaluator({
    store,
    bus,
    log: log.child({ part: 'triage' }),
    rulesFor: (id) => moduleOf(id).triage.rules,
    stallAfterS: config.triage.stallAfterS,
    expectedPhaseS: config.triage.expectedPhaseS,
    onOpened: notifier.findingOpened,
  });
  const collector = new Collector(
    connections.map((c) => collected(moduleOf(c.id), c, simulators.get(c.id)?.sim.adapter, config, log)),
    { store, bus, log, onCycle: evaluator.onCycle },
  );
  const runner: RunnerDeps = {
    store,
    bus,
    collector,
    log: log.child({ part: 'playbooks' }),
    playbooksFor: (id) => [...GENERIC_PLAYBOOKS, ...moduleOf(id).triage.playbooks],
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
  log.info({ engines: connections.map((c) => c.id), dataDir: config.dataDir, simulator: config.simulator.enabled }, 'phaseboard started');
  let stopped = false;
  return {
    config,
    store,
    auth,
    bus,
    collector,
    triage: { evaluator, runner },
    notify: { dispatcher, notifier },
    log,
    engines,
    simClock,
    simulators,
    stage: { quiet: false, since: null },
    connections: connections.map((c) => factsOf(moduleOf(c.id), c, c.added)),
    moduleOf,
    startedAt: new Date().toISOString(),
    stopping: stopping.signal,
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping.abort();
      await collector.stop();
      await evaluator.idle();
      notifier.stop();
      dispatcher.stop();
      for (const { sim } of simulators.values()) await sim.stop();
      await store.close();
      lock.release();
    },
  };
}

/** What the collector needs of a connection: its engine's adapter (a simulator's own, when it has one) and poll periods. */
export function collected(
  module: AnyEngineModule,
  c: ResolvedConnection,
  own: RunningSimulator<ResolvedConnection>['adapter'],
  config: PhaseboardConfig,
  log: Logger,
): CollectedConnection {
  const child = log.child({ engine: c.engine, connection: c.id });
  return {
    id: c.id,
    engine: c.engine,
    fastMs: c.pollIntervalMs.fast,
    slowMs: c.pollIntervalMs.slow,
    watchMs: c.pollIntervalMs.watch,
    adapter: own ?? module.createAdapter(c, { log: child, settings: config.engineSettings[module.kind] }),
  };
}

/** What anyone may know of a connection. */
export function factsOf(module: AnyEngineModule, c: ResolvedConnection, added: boolean): ConnectionFacts {
  const { url, insecure } = module.describe(c);
  return { id: c.id, engine: c.engine, url, simulated: c.simulated, added, insecure };
}
