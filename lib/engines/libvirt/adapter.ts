import 'server-only';
import { libvirtPipeline } from './pipeline';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AppError, hasCode, isAppError } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
import type { Logger } from '@/lib/log/logger';
import { detailNumbers } from '@/lib/model/details';
import type { Operation } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import type { EngineAdapter, EngineFact } from '../types';
import { checkLibvirtParams, describeLibvirtActions, performLibvirtAction } from './actions';
import { createLibvirtClient, virshLine, VERB_ARGS } from './client';
import { SETTLE_MS, START_GRACE_MS, WAIT_POLL_MS } from './constants';
import { BlockCopyParams, copyWarnings, MigrationParams, type LibvirtInventory } from './forms';
import { blockJobSnapshot, migrationId, migrationSnapshot } from './normalize';
import { EventLineParser, storagePathsInXml, type DomJobInfo, type VirshEvent } from './parse';
import { factOf, migrationFailedFact, resolveBlockJob, resolveMigration } from './resolve';
import { checkCopyTarget } from './storage';
import { checkMigrationUri, DEFAULT_URI_POLICY, parseLibvirtUri, type LibvirtUriPolicy } from './uri';
import { Virsh, type VirshTransport } from './virsh';

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

const isOutgoingMigration = (job: DomJobInfo | null): job is DomJobInfo => job !== null && /migration/i.test(job.operation) && !/incoming/i.test(job.operation);

/**
 * libvirt through virsh: works the same for local and remote URIs. Three
 * virsh processes per poll (domains; their live XML and job info; block job
 * progress), whatever the number of domains, plus one event stream.
 */
export function createLibvirtAdapter(options: LibvirtAdapterOptions): LibvirtAdapter {
  const virsh: VirshTransport = options.transport ?? new Virsh({ uri: options.uri, timeoutMs: options.timeoutMs ?? 15_000, bin: options.virshBin });
  const client = createLibvirtClient(virsh, options.log);
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
    watch = client.watchEvents((line) => {
      parser.push(line);
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => parser.flush(), 100);
    });
  };

  /** where the migrations phaseboard started go, until the poll that first sees each */
  const startedTo = new Map<string, string>();

  /**
   * A migration keeps the id it was first seen with, and the data remaining
   * at the start of each iteration: both come from the operation phaseboard
   * already tracks, not from memory here.
   */
  function migrationOf(domain: string, job: DomJobInfo, known: readonly Operation[]) {
    const prior = known.find((o) => o.kind === 'live_migration' && !o.gone && o.details.domain === domain);
    // libvirt does not say where a migration goes; one phaseboard started, it knows, and the operation keeps it
    const destination = typeof prior?.details.destination === 'string' ? prior.details.destination : (startedTo.get(domain) ?? null);
    if (!prior) startedTo.delete(domain);
    const id = prior?.nativeId ?? migrationId(domain, now(), job.elapsedMs);
    const remaining = [...detailNumbers(prior?.details.remainingPerIteration)];
    const lastIteration = prior?.details.iteration === undefined || prior.details.iteration === null ? 0 : Number(prior.details.iteration);
    if (job.iteration !== null && job.dataRemaining !== null && job.iteration > lastIteration) remaining.push(job.dataRemaining);
    return migrationSnapshot(domain, id, job, remaining, destination);
  }

  /**
   * What the cheap change check looks at: the domains and disks the last
   * full poll saw. Only where to look, never what decides an outcome.
   */
  let lookAt: { domains: string[]; disks: { domain: string; disk: string }[] } = { domains: [], disks: [] };

  async function snapshotsOf(domains: string[], known: readonly Operation[] = [], all = false): Promise<OperationSnapshot[]> {
    const info = await client.domainsInfo(domains);
    const disks = domains.flatMap((domain, i) => info[i]!.disks.filter((k) => k.device === 'disk').map((k) => ({ domain, disk: k })));
    if (all) lookAt = { domains, disks: disks.map(({ domain, disk }) => ({ domain, disk: disk.target })) };
    const jobs = await client.blockJobs(disks.map(({ domain, disk }) => ({ domain, disk: disk.target })));
    const out: OperationSnapshot[] = [];
    disks.forEach(({ domain, disk }, i) => {
      const job = jobs[i];
      const snapshot = job ? blockJobSnapshot(domain, disk, job) : null;
      if (snapshot) out.push(snapshot);
    });
    domains.forEach((d, i) => {
      const job = info[i]!.job;
      if (isOutgoingMigration(job)) out.push(migrationOf(d, job, known));
    });
    return out;
  }

  /** The domain's disks as libvirt has them now; the domain must be one libvirt lists (names are never passed on unchecked). */
  async function domainDisks(domain: string) {
    if (!(await client.domains()).includes(domain)) {
      throw new AppError('invalid_input', `domain: no running domain "${domain}" on this connection`, { field: 'domain' });
    }
    return client.domainDisks(domain);
  }

  /** Which domain (running or only defined) names the path as storage, if any. */
  async function storageOwner(target: string): Promise<string | null> {
    const domains = await client.domains({ all: true });
    const xmls = await client.domainXmls(domains);
    const i = xmls.findIndex((x) => storagePathsInXml(x).includes(target));
    return i >= 0 ? domains[i]! : null;
  }

  async function diskSource(domain: string, disk: string): Promise<string | null | undefined> {
    try {
      return (await client.diskSources(domain)).find((d) => d.target === disk)?.source ?? null;
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
      await sleep(WAIT_POLL_MS * 2);
    }
  }

  /** Starts a migration; answers once data flows or libvirt refused it (said to whoever started it). */
  async function startMigration(p: MigrationParams, log: (line: string) => void): Promise<void> {
    log(virshLine(VERB_ARGS.migrate(p)));
    const running = client.migrate(p);
    running.catch((e: unknown) => {
      const message = isAppError(e) ? (e.engineMessage ?? e.message) : String(e);
      options.log.warn({ domain: p.domain, err: message }, 'migration failed');
      tell(migrationFailedFact(p.domain, message));
    });
    // A refusal comes within seconds (bad URI, no post-copy on this host): wait that long for it.
    let settled = false;
    void running.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let waited = 0; waited < START_GRACE_MS && !settled; waited += WAIT_POLL_MS) {
      const job = await client.jobInfo(p.domain).catch(() => null);
      // a job shows up while libvirt still negotiates with the destination: wait for data to flow
      if (job && /migration/i.test(job.operation) && (job.dataProcessed ?? 0) > 0) break;
      await sleep(WAIT_POLL_MS);
    }
    if (settled) await running;
  }

  return {
    engine: 'libvirt',
    capabilities: { push: pushes },
    virsh,

    async listOperations(ctx) {
      return snapshotsOf(await client.domains(), ctx?.known, true);
    },

    // Starting a block copy sends no event (libvirtd 9.0: the first comes when
    // it is ready or ends), so libvirt gets a cheap check too: which domains
    // run and which disks and domains have a job, in one virsh process (no
    // XML). Only presence and type count, not progress.
    async changedSince(cursor) {
      const { domains, disks } = lookAt;
      const p = await client.jobPresence(disks, domains);
      const lines = [
        ...[...p.running].sort().map((d) => `domain ${d}`),
        ...disks.flatMap(({ domain, disk }, i) => (p.blockJobs[i] ? [`block ${domain}/${disk} ${p.blockJobs[i]}`] : [])),
        ...domains.flatMap((d, i) => (p.domainJobs[i] ? [`job ${d} ${p.domainJobs[i]}`] : [])),
      ];
      const fingerprint = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 24);
      return { changed: fingerprint !== cursor, cursor: fingerprint };
    },

    async getOperation(nativeId) {
      const domain = nativeId.split('/')[0] ?? '';
      if (!(await client.domains()).includes(domain)) return null;
      const snapshots = await snapshotsOf([domain]);
      // A domain has one outgoing migration at a time: it is the one asked about, whatever id it would get now.
      const migration = nativeId.startsWith(`${domain}/migration/`) ? snapshots.find((s) => s.kind === 'live_migration') : undefined;
      return migration ? { ...migration, nativeId } : (snapshots.find((s) => s.nativeId === nativeId) ?? null);
    },

    async inventory() {
      const domains = await client.domains();
      const info = await client.domainsInfo(domains);
      return {
        domains: domains.map((name, i) => ({
          name,
          disks: info[i]!.disks.filter((d) => d.device === 'disk').map((d) => ({
            target: d.target,
            source: d.source,
            format: d.format,
            busy: d.mirror !== null,
          })),
          migrating: info[i]!.job !== null,
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
        log(virshLine(VERB_ARGS.blockCopy(p)));
        const out = await client.blockCopy(p);
        poke();
        return { message: out.trim() || 'Block Copy started', warnings: copyWarnings(p) };
      }
      if (kind !== 'live_migration') throw new AppError('invalid_input', `kind: libvirt starts block_copy or live_migration, not "${kind}"`, { field: 'kind' });
      const p = parseInput(MigrationParams, params, 'live migration');
      const destination = parseLibvirtUri(p.destinationUri, options.uriPolicy ?? DEFAULT_URI_POLICY, 'destinationUri');
      checkMigrationUri(p.migrationUri, destination.host);
      await domainDisks(p.domain);
      await startMigration(p, log);
      startedTo.set(p.domain, p.destinationName ?? (destination.host || p.destinationUri));
      poke();
      return { message: `migration of ${p.domain} to ${p.destinationUri} started`, warnings: [] };
    },

    async resolveVanished(op, { history, missingForMs }) {
      const domain = String(op.details.domain);
      if (op.kind === 'live_migration') return resolveMigration(op, history, (await client.domains()).includes(domain), missingForMs);
      return resolveBlockJob(op, history, await diskSource(domain, String(op.details.disk)));
    },

    describeActions: describeLibvirtActions,
    describePipeline: libvirtPipeline,
    checkParams: checkLibvirtParams,
    performAction: (op, req) => performLibvirtAction({ client, settle, diskSource, tell }, op, req),

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
