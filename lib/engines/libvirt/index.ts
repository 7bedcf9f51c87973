import 'server-only';
import path from 'node:path';
import { z } from 'zod';
import { AppError, hasCode, isAppError } from '@/lib/errors/app-error';
import { fromZodError, parseInput } from '@/lib/errors/zod-error';
import type { Logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import { libvirtSimulator } from '@/lib/sim/libvirt/embedded';
import { defineEngine } from '../module';
import type { ActionRequest, ActionResult, EngineAdapter, EngineFact } from '../types';
import { describeLibvirtActions } from './actions';
import { abortedFact, factOf, migrationFailedFact, resolveBlockJob, resolveMigration } from './resolve';
import { checkLibvirt, LibvirtConnectionConfig, libvirtFromEnv, LibvirtSettings, uriPolicy, withDestination } from './config';
import { blockJobSnapshot, migrationId, migrationSnapshot } from './normalize';
import {
  EventLineParser,
  parseBlockJobRaw,
  parseDomainDisks,
  parseDomainNames,
  parseDomBlkList,
  parseDomJobInfo,
  storagePathsInXml,
  type DomJobInfo,
  type VirshEvent,
} from './parse';
import { BlockCopyParams, copyWarnings, MigrationParams, type LibvirtInventory } from './forms';
import { blockCopyArgs, checkMigrationUri, migrationArgs } from './start';
import { checkCopyTarget } from './storage';
import { DEFAULT_URI_POLICY, parseLibvirtUri, type LibvirtUriPolicy } from './uri';
import { libvirtTriage } from './triage';
import { Virsh, type VirshTransport } from './virsh';
import { opt } from './virsh-args';

/** A domain's live XML and its job, as one pair of commands in a batch. */
const domainInfoCommands = (domain: string) => [
  ['dumpxml', opt('domain', domain)],
  ['domjobinfo', opt('domain', domain)],
];

export interface LibvirtAdapterOptions {
  /** qemu:///system, qemu+ssh://host/system, qemu+tls://host/system … */
  uri: string;
  timeoutMs?: number;
  log: Logger;
  /** false: poll only (tests of the poll path) */
  events?: boolean;
  virshBin?: string;
  /** another way to reach libvirt (the embedded simulator); real virsh otherwise */
  transport?: VirshTransport;
  /** the rules migration destination URIs are held to */
  uriPolicy?: LibvirtUriPolicy;
  /** where block copies may write; default: the directory of the disk being copied */
  storageDirs?: string[];
  /** libvirt runs on this machine, so copy destinations can be looked at (symlinks); false for remote hosts and the simulator */
  checkLocalFiles?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface LibvirtAdapter extends EngineAdapter {
  readonly virsh: VirshTransport;
  inventory(): Promise<LibvirtInventory>;
}

const BandwidthParams = z.object({ bandwidthMiBs: z.number().int().min(1).max(1_000_000) });
const SETTLE_MS = 30_000;
const START_GRACE_MS = 8000;

/**
 * libvirt through virsh: works the same for local and remote URIs. Three
 * virsh processes per poll (domains; their live XML and job info; block job
 * progress), whatever the number of domains, plus one event stream.
 */
export function createLibvirtAdapter(options: LibvirtAdapterOptions): LibvirtAdapter {
  const virsh: VirshTransport = options.transport ?? new Virsh({ uri: options.uri, timeoutMs: options.timeoutMs ?? 15_000, bin: options.virshBin });
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // No fact that decides an outcome is kept here: events become facts in the
  // operations' timelines (the collector records them) and resolution reads
  // them back, so a restart of phaseboard changes no outcome.
  const listeners = new Set<() => void>();
  const factListeners = new Set<(f: EngineFact) => void>();
  const pushes = options.events !== false;
  let watch: { stop(): void } | null = null;
  const tell = (fact: EngineFact | null) => {
    if (fact) for (const l of factListeners) l(fact);
    for (const l of listeners) l();
  };
  const onEvent = (e: VirshEvent) => tell(factOf(e));
  const startWatching = () => {
    const parser = new EventLineParser(onEvent);
    // job-completed continues on indented lines; nothing marks its end but silence.
    let idle: NodeJS.Timeout | null = null;
    watch = virsh.watchEvents((line) => {
      parser.push(line);
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => parser.flush(), 100);
    }, options.log);
  };

  /**
   * A migration keeps the id it was first seen with, and the data remaining
   * at the start of each iteration: both come from the operation phaseboard
   * already tracks, not from memory here.
   */
  function migrationOf(domain: string, job: DomJobInfo, known: readonly Operation[]) {
    const prior = known.find((o) => o.kind === 'live_migration' && !o.gone && o.details.domain === domain);
    const id = prior?.nativeId ?? migrationId(domain, now(), job.elapsedMs);
    const remaining = prior?.details.remainingPerIteration ? String(prior.details.remainingPerIteration).split(',').map(Number) : [];
    const lastIteration = prior?.details.iteration === undefined || prior.details.iteration === null ? 0 : Number(prior.details.iteration);
    if (job.iteration !== null && job.dataRemaining !== null && job.iteration > lastIteration) remaining.push(job.dataRemaining);
    return migrationSnapshot(domain, id, job, remaining);
  }

  async function snapshotsOf(domains: string[], known: readonly Operation[] = []): Promise<OperationSnapshot[]> {
    if (domains.length === 0) return [];
    const info = await virsh.batch(domains.flatMap(domainInfoCommands));
    const disksOf = new Map(domains.map((d, i) => [d, info[2 * i] ? parseDomainDisks(info[2 * i]!) : []]));
    const jobOf = domains.flatMap((d) => (disksOf.get(d) ?? []).filter((k) => k.device === 'disk').map((k) => ({ domain: d, target: k.target })));
    const jobs = await virsh.batch(jobOf.map(({ domain, target }) => ['blockjob', opt('domain', domain), opt('path', target), '--raw']));
    const out: OperationSnapshot[] = [];
    jobOf.forEach(({ domain, target }, i) => {
      const job = parseBlockJobRaw(jobs[i] ?? '');
      const disk = disksOf.get(domain)?.find((k) => k.target === target);
      const snapshot = job && disk ? blockJobSnapshot(domain, disk, job) : null;
      if (snapshot) out.push(snapshot);
    });
    domains.forEach((d, i) => {
      const job = parseDomJobInfo(info[2 * i + 1] ?? '');
      if (job && /migration/i.test(job.operation) && !/incoming/i.test(job.operation)) out.push(migrationOf(d, job, known));
    });
    return out;
  }

  /** The domain's disks as libvirt has them now; the domain must be one libvirt lists (names are never passed on unchecked). */
  async function domainDisks(domain: string) {
    if (!parseDomainNames(await virsh.run(['list', '--name'])).includes(domain)) {
      throw new AppError('invalid_input', `domain: no running domain "${domain}" on this connection`, { field: 'domain' });
    }
    return parseDomainDisks(await virsh.run(['dumpxml', opt('domain', domain)]));
  }

  /** Which domain (running or only defined) names the path as storage, if any. */
  async function storageOwner(target: string): Promise<string | null> {
    const domains = parseDomainNames(await virsh.run(['list', '--all', '--name']));
    const xmls = await virsh.batch(domains.map((d) => ['dumpxml', opt('domain', d)]));
    const i = xmls.findIndex((x) => storagePathsInXml(x).includes(target));
    return i >= 0 ? domains[i]! : null;
  }

  async function diskSource(domain: string, disk: string): Promise<string | null | undefined> {
    try {
      return parseDomBlkList(await virsh.run(['domblklist', opt('domain', domain), '--details'])).find((d) => d.target === disk)?.source ?? null;
    } catch (e) {
      if (hasCode(e, 'engine_refused')) return undefined; // the domain is gone
      throw e;
    }
  }

  /** Waits until the job is gone from libvirt (after pivot/abort), up to SETTLE_MS. */
  async function settle(op: Operation, log: (m: string) => void): Promise<void> {
    const started = now();
    for (;;) {
      const fresh = (await snapshotsOf([String(op.details.domain)])).find((s) => s.nativeId === op.nativeId);
      if (!fresh) return;
      if (now() - started > SETTLE_MS) throw new AppError('timeout', `the job is still listed ${SETTLE_MS / 1000} s later (${fresh.nativePhase})`);
      log(`job still listed (${fresh.nativePhase}); waiting`);
      await sleep(500);
    }
  }

  return {
    engine: 'libvirt',
    capabilities: { push: pushes },
    virsh,

    async listOperations(ctx) {
      return snapshotsOf(parseDomainNames(await virsh.run(['list', '--name'])), ctx?.known);
    },

    async getOperation(nativeId) {
      const domain = nativeId.split('/')[0] ?? '';
      const names = parseDomainNames(await virsh.run(['list', '--name']));
      if (!names.includes(domain)) return null;
      const snapshots = await snapshotsOf([domain]);
      // A domain has one outgoing migration at a time: it is the one asked about, whatever id it would get now.
      const migration = nativeId.startsWith(`${domain}/migration/`) ? snapshots.find((s) => s.kind === 'live_migration') : undefined;
      return migration ? { ...migration, nativeId } : (snapshots.find((s) => s.nativeId === nativeId) ?? null);
    },

    async inventory() {
      const domains = parseDomainNames(await virsh.run(['list', '--name']));
      const info = await virsh.batch(domains.flatMap(domainInfoCommands));
      return {
        domains: domains.map((name, i) => ({
          name,
          disks: (info[2 * i] ? parseDomainDisks(info[2 * i]!) : [])
            .filter((d) => d.device === 'disk')
            .map((d) => ({ target: d.target, source: d.source, format: d.format, busy: d.mirror !== null })),
          migrating: parseDomJobInfo(info[2 * i + 1] ?? '') !== null,
        })),
      };
    },

    async start(kind, params, log) {
      const poke = () => setTimeout(() => listeners.forEach((l) => l()), 300).unref();
      if (kind === 'block_copy') {
        const p = parseInput(BlockCopyParams, params, 'block copy');
        const disk = (await domainDisks(p.domain)).find((d) => d.target === p.disk && d.device === 'disk');
        if (!disk) throw new AppError('invalid_input', `disk: ${p.domain} has no disk "${p.disk}"`, { field: 'disk' });
        // A file disk's own directory by default; a block device's (/dev/…) never.
        const ownDir = disk.source?.startsWith('/') && !disk.source.startsWith('/dev/') ? [path.dirname(disk.source)] : [];
        checkCopyTarget({
          target: p.target,
          allowedDirs: options.storageDirs ?? ownDir,
          reuseExternal: p.reuseExternal,
          local: options.checkLocalFiles ?? false,
        });
        const owner = await storageOwner(p.target);
        if (owner)
          throw new AppError('invalid_input', `target: ${p.target} is storage of domain ${owner}; a copy must not be written over it`, { field: 'target' });
        const args = blockCopyArgs(p);
        log(`virsh ${args.join(' ')}`);
        const out = await virsh.run(args);
        poke();
        return { message: out.trim() || 'Block Copy started', warnings: copyWarnings(p) };
      }
      if (kind !== 'live_migration') throw new AppError('invalid_input', `kind: libvirt starts block_copy or live_migration, not "${kind}"`, { field: 'kind' });
      const p = parseInput(MigrationParams, params, 'live migration');
      const destination = parseLibvirtUri(p.destinationUri, options.uriPolicy ?? DEFAULT_URI_POLICY, 'destinationUri');
      checkMigrationUri(p.migrationUri, destination.host);
      await domainDisks(p.domain);
      const args = migrationArgs(p);
      log(`virsh ${args.join(' ')}`);
      const running = virsh.background(args);
      running.catch((e: unknown) => {
        const message = isAppError(e) ? (e.engineMessage ?? e.message) : String(e);
        options.log.warn({ domain: p.domain, err: message }, 'migration failed');
        tell(migrationFailedFact(p.domain, message));
      });
      // A refusal comes within seconds (bad URI, no post-copy on this host): say it to whoever
      // started it. Answer once data flows, or when the grace is over.
      let settled = false;
      void running.then(
        () => (settled = true),
        () => (settled = true),
      );
      for (let waited = 0; waited < START_GRACE_MS && !settled; waited += 250) {
        const job = parseDomJobInfo(await virsh.run(['domjobinfo', opt('domain', p.domain)]).catch(() => ''));
        // a job shows up while libvirt still negotiates with the destination: wait for data to flow
        if (job && /migration/i.test(job.operation) && (job.dataProcessed ?? 0) > 0) break;
        await sleep(250);
      }
      if (settled) await running;
      poke();
      return { message: `migration of ${p.domain} to ${p.destinationUri} started`, warnings: [] };
    },

    async resolveVanished(op, { history, missingForMs }) {
      const domain = String(op.details.domain);
      if (op.kind === 'live_migration')
        return resolveMigration(op, history, parseDomainNames(await virsh.run(['list', '--name'])).includes(domain), missingForMs);
      return resolveBlockJob(op, history, await diskSource(domain, String(op.details.disk)));
    },

    describeActions: describeLibvirtActions,

    checkParams(action, params) {
      if (action !== 'set_bandwidth') return;
      const r = BandwidthParams.safeParse(params);
      if (!r.success) throw fromZodError(r.error, 'set_bandwidth params');
    },

    async performAction(op: Operation, req: ActionRequest): Promise<ActionResult> {
      const domain = String(op.details.domain);
      const disk = String(op.details.disk);
      if (op.kind === 'live_migration' && req.action === 'set_bandwidth') {
        const mibs = Number(req.params.bandwidthMiBs);
        req.log(`virsh migrate-setspeed ${domain} ${mibs}`);
        await virsh.run(['migrate-setspeed', opt('domain', domain), opt('bandwidth', mibs)]);
        return { ok: true, message: `maximum bandwidth set to ${mibs} MiB/s` };
      }
      if (op.kind === 'live_migration' && req.action === 'postcopy') {
        req.log(`virsh migrate-postcopy ${domain}`);
        await virsh.run(['migrate-postcopy', opt('domain', domain)]);
        return { ok: true, message: 'switched to post-copy' };
      }
      if (op.kind === 'live_migration' && req.action === 'cancel') {
        req.log(`virsh domjobabort ${domain}`);
        await virsh.run(['domjobabort', opt('domain', domain)]);
        tell(abortedFact(domain));
        return { ok: true, message: 'migration abort requested' };
      }
      if (req.action === 'pivot' || req.action === 'cancel') {
        const flag = req.action === 'pivot' ? '--pivot' : '--abort';
        req.log(`virsh blockjob ${domain} ${disk} ${flag}`);
        await virsh.run(['blockjob', opt('domain', domain), opt('path', disk), flag]);
        await settle(op, req.log);
        const resolution = resolveBlockJob(
          { ...op, nativePhase: op.state === 'ready' ? 'ready' : op.nativePhase },
          await req.history(),
          await diskSource(domain, disk),
        );
        const ok = req.action === 'pivot' ? resolution.state === 'succeeded' : resolution.state === 'cancelled';
        return { ok, message: resolution.message, resolution };
      }
      throw new AppError('unsupported', `libvirt ${op.kind.replace(/_/g, ' ')} has no "${req.action}" action`);
    },

    subscribe(onChange, onFact) {
      listeners.add(onChange);
      if (onFact) factListeners.add(onFact);
      if (pushes && !watch) startWatching();
      return () => {
        listeners.delete(onChange);
        if (onFact) factListeners.delete(onFact);
        if (listeners.size === 0) {
          watch?.stop();
          watch = null;
        }
      };
    },

    async close() {
      listeners.clear();
      factListeners.clear();
      watch?.stop();
      watch = null;
    },
  };
}

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
  },
  startParams: (kind, body, ctx) => (kind === 'live_migration' ? withDestination(body, ctx) : body),
  triage: libvirtTriage,
  simulator: libvirtSimulator,
  ui: { connectionForm: 'libvirt.connection', startForm: 'libvirt.start' },
});
