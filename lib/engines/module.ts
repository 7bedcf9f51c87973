import 'server-only';
import type { z } from 'zod';
import type { Logger } from '@/lib/log/logger';
import type { ConnectionFacts } from '@/lib/model/connection';
import type { DetailSpecs } from '@/lib/model/details';
import type { Operation } from '@/lib/model/operation';
import type { EngineTriage } from '@/lib/triage/rule';
import type { SimClock } from './sim-clock';
import type { EngineAdapter } from './types';

/** What every connection of every engine has, whatever else its engine needs. */
export interface ConnectionBase {
  id: string;
  engine: string;
  /** fast (≤ 1 s) while anything is in transition, slow (≥ 10 s) when idle; watch: the cheap change check while idle (1 s when absent) */
  pollIntervalMs: { fast: number; slow: number; watch?: number };
  timeoutMs: number;
}

/** A connection ready to use: secrets read, and whether it is an embedded simulator. */
export type Resolved<C extends ConnectionBase = ConnectionBase> = C & { simulated: boolean };

/** How a module reads the files its config names (password files, CA files); problems stop startup naming the field. */
export interface ConfigFiles {
  read(field: string, path: string): string;
  fail(field: string, message: string): never;
}

/** A scenario the embedded simulator can play, as the demo page lists it. */
export interface ScenarioInfo {
  id: string;
  title: string;
  description: string;
  /** what a presenter clicks or watches next, once it has started */
  next: string;
  /** a word or two on what it is (upload, copy, migration …) */
  detail: string;
  /** who ends it, where that is a choice (oVirt transfers: the client or an operator) */
  finalizeBy: 'client' | 'operator' | null;
  /** facts worth a tag on the card ("engine < 4.4.7") */
  tags: string[];
}

/** An embedded simulator while it runs. */
export interface RunningSimulator<R extends ConnectionBase> {
  /** how the adapter reaches it */
  connection: Resolved<R>;
  /** an adapter of its own (an in-process transport); otherwise the module's createAdapter(connection) */
  adapter?: EngineAdapter;
  /** starts a scenario; answers how to recognise its operation once the connection is polled */
  startScenario(id: string, o: { speed: number; finalizeBy?: 'client' | 'operator' }): (op: Operation) => boolean;
  /** plays the next `ms` of one operation at once (skipping a dull wait); false when it is not this simulator's */
  skip?(op: Operation, ms: number): boolean;
  /** how many operations the background mix keeps in flight (0 pauses it; those in flight finish) */
  setMix?(active: number): void;
  /** the simulated engine stops answering for a while (demo of an outage); absent when it cannot */
  outage?(seconds: number): string;
  stop(): Promise<void>;
}

/** The embedded simulator of an engine: what the two-command start shows without any engine. */
export interface SimulatorSpec<R extends ConnectionBase> {
  /** its connection id, e.g. sim-ovirt */
  connectionId: string;
  scenarios: readonly ScenarioInfo[];
  /** `clock`: the simulated engines' time, shared by every simulator (skipped ahead by presenters and tests) */
  start(o: { mix: number; speed: number; log: Logger; clock: SimClock }): Promise<RunningSimulator<R>>;
}

/** An action an engine's operations of one kind may offer, and the values it takes (checked before anything is sent). */
export interface ActionSpec {
  name: string;
  params?: z.ZodType;
}

/** A kind of operation phaseboard can start on an engine (libvirt: block copy, live migration). */
export interface StartSpec {
  kind: string;
  label: string;
}

/**
 * One engine, whole: its config, secrets, adapter, what it can do, its
 * triage, its simulator and the keys of its UI parts. The registry lists
 * modules once; the config, the API, the Engines and demo pages and the
 * filters are derived from that list.
 */
export interface EngineModule<C extends ConnectionBase = ConnectionBase, S = unknown, A extends EngineAdapter = EngineAdapter> {
  /** the `engine` of its connections, e.g. ovirt */
  kind: string;
  /** for people, e.g. oVirt / RHV */
  label: string;
  /** one connection in the config file; `engine` is the literal kind */
  connectionSchema: z.ZodType<C> & { shape: { engine: z.ZodLiteral<string> } };
  /** engine-wide settings, the config file's `<kind>` section (libvirt's URI rules) */
  settingsSchema?: z.ZodType<S>;
  /** the connection and settings the environment defines (PHASEBOARD_OVIRT_*), as raw config */
  fromEnv?(env: Record<string, string | undefined>): { connection?: Record<string, unknown>; settings?: Record<string, unknown> };
  /** a check that needs the settings (a libvirt URI against the URI rules): what is wrong, or null */
  check?(c: C, settings: S): { field: string; message: string } | null;
  /** reads secrets and CA files */
  resolve(c: C, files: ConfigFiles): Resolved<C>;
  /** the connection as a support bundle may show it: never a password or key */
  redact(c: Resolved<C>): Record<string, unknown>;
  /** what anyone may know of it */
  describe(c: Resolved<C>): { url: string; insecure: boolean };
  createAdapter(c: Resolved<C>, ctx: { log: Logger; settings: S }): A;
  /** one cheap call that shows the connection works (the engine's own words when it does not) */
  testConnection(adapter: A): Promise<void>;
  capabilities: {
    /** the engine pushes changes (adapter.subscribe) */
    push: boolean;
    /** adapter.inventory lists what work can start on */
    inventory: boolean;
    /** what can be started from phaseboard */
    start: readonly StartSpec[];
    /** connections can be added from the Engines page (the config holds no secret) */
    addable: boolean;
    /** the actions each kind may offer (describeActions never names another; the contract suite checks) */
    actions: Readonly<Record<string, readonly ActionSpec[]>>;
  };
  /** resolves what a start request names of other connections (a migration's destination) into what the adapter takes */
  startParams?(kind: string, body: unknown, ctx: { from: string; connections: readonly ConnectionFacts[] }): unknown;
  /** the details each kind reports, with labels and units (every key its adapter puts in details; the contract suite checks) */
  details: DetailSpecs;
  triage: EngineTriage<A>;
  simulator?: SimulatorSpec<C>;
  /** keys of the engine's UI parts (components/engines/<kind>/), looked up by the Engines page */
  ui: { connectionForm?: string; startForm?: string };
}

/** Declares an engine module; the identity function keeps each module's own types while the registry holds them all. */
export function defineEngine<C extends ConnectionBase, S, A extends EngineAdapter>(m: EngineModule<C, S, A>): EngineModule<C, S, A> {
  return m;
}

/** A module with its types erased, as the registry lists them. */
export type AnyEngineModule = EngineModule<any, any, any>;
