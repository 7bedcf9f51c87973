import 'server-only';
import { AppError, hasCode } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
import type { Logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import type { EngineAdapter } from '../types';
import { describeGanetiActions, performGanetiAction } from './actions';
import { ENDED_READS_PER_POLL, FULL_READS_AT_ONCE, MAX_WAITS, RECENT_JOB_MS, WAIT_RETRY_MS } from './constants';
import { GanetiClient } from './client';
import { REQUESTS, requestLine } from './requests';
import { MoveParams, type GanetiInventory } from './forms';
import { instanceOpcode, jobIdOf, jobKind, jobNativeId, jobSnapshot, jobState } from './normalize';
import type { Instance, Job, LogEntry } from './parse';
import { jobAfterVanish } from './resolve';

export interface GanetiAdapterOptions {
  url: string;
  username: string;
  password: string;
  certSha256?: string;
  ca?: string;
  timeoutMs?: number;
  log: Logger;
  now?: () => number;
}

export interface GanetiAdapter extends EngineAdapter {
  readonly client: GanetiClient;
  inventory(): Promise<GanetiInventory>;
}

const endedAt = (j: Job) => (j.end_ts ? j.end_ts[0] * 1000 : null);

/**
 * Ganeti jobs about instances as operations. A poll lists the jobs (one
 * bulk call) and the instances, and reads in full (log and results) only
 * the jobs still running and, once, those that ended. While a job runs it is
 * followed with RAPI's /wait long-poll, so a status change or a log line
 * reaches the browser within about a second; while none runs, the cheap
 * change check is the job id list.
 */
export function createGanetiAdapter(o: GanetiAdapterOptions): GanetiAdapter {
  const client = new GanetiClient({
    url: o.url,
    username: o.username,
    password: o.password,
    certSha256: o.certSha256,
    ca: o.ca,
    timeoutMs: o.timeoutMs ?? 15_000,
  });
  const now = o.now ?? Date.now;
  /** finished jobs never change: read in full once */
  const ended = new Map<number, Job>();
  /** the node each job's instance was on when phaseboard first saw the job running (the primary moves when it ends) */
  const sources = new Map<number, string>();
  const waits = new Map<number, AbortController>();
  const waitFailedAt = new Map<number, number>();
  const listeners = new Set<() => void>();
  let waitForbidden = false;
  let closed = false;

  async function fullJob(j: Job): Promise<Job | null> {
    const status = j.status ?? '';
    if (!isTerminal(jobState(status))) return client.job(j.id);
    const cached = ended.get(j.id);
    if (cached) return cached;
    const full = await client.job(j.id);
    if (full && isTerminal(jobState(full.status ?? ''))) ended.set(j.id, full);
    return full;
  }

  function snapshotOf(j: Job, instances: ReadonlyMap<string, Instance>, known?: Operation): OperationSnapshot | null {
    const op = instanceOpcode(j);
    if (!op) return null;
    const instance = instances.get(op.instance_name!) ?? null;
    let source = (typeof known?.details.source === 'string' ? known.details.source : null) ?? sources.get(j.id) ?? null;
    if (!source && instance && !isTerminal(jobState(j.status ?? '')) && jobKind(op) !== 'instance_task') {
      source = instance.pnode;
      sources.set(j.id, source);
    }
    return jobSnapshot(j, op, { instance, source });
  }

  /** Follows a running job with /wait: each change (status or a log line) asks the poller to look now. */
  function follow(j: Job): void {
    if (waitForbidden || closed || waits.has(j.id) || waits.size >= MAX_WAITS || listeners.size === 0) return;
    if (now() - (waitFailedAt.get(j.id) ?? -Infinity) < WAIT_RETRY_MS) return;
    const ac = new AbortController();
    waits.set(j.id, ac);
    let previous: unknown[] = [j.status, j.opstatus];
    let serial = Math.max(0, ...(j.oplog ?? []).flat().map((e: LogEntry) => e[0])) || null;
    void (async () => {
      try {
        while (!ac.signal.aborted) {
          const w = await client.wait(j.id, previous, serial, ac.signal);
          const changed = w.log_entries.length > 0 || JSON.stringify(w.job_info) !== JSON.stringify(previous);
          previous = w.job_info;
          serial = Math.max(serial ?? 0, ...w.log_entries.map((e) => e[0])) || serial;
          if (changed) for (const l of listeners) l();
          if (isTerminal(jobState(String(w.job_info[0])))) return;
        }
      } catch (e) {
        if (hasCode(e, 'engine_refused') && /HTTP 403/.test((e as Error).message)) {
          // a read-only RAPI user cannot wait: polling (1 s while busy) follows the jobs instead
          waitForbidden = true;
          o.log.warn({ err: (e as Error).message }, 'Ganeti /wait refused: following jobs by polling only');
        } else if (!ac.signal.aborted) {
          waitFailedAt.set(j.id, now());
          o.log.debug({ job: j.id, err: (e as Error).message }, 'Ganeti /wait failed; polling meanwhile');
        }
      } finally {
        waits.delete(j.id);
      }
    })();
  }

  async function instanceMap(): Promise<Map<string, Instance>> {
    return new Map((await client.instances()).map((i) => [i.name, i]));
  }

  return {
    engine: 'ganeti',
    capabilities: { push: true },
    client,

    async listOperations(ctx) {
      const known = new Map((ctx?.known ?? []).filter((op) => !op.gone).map((op) => [op.nativeId, op]));
      const [jobs, instances] = await Promise.all([client.jobs(), instanceMap()]);
      const t = now();
      const wanted = jobs.filter((j) => {
        if (!instanceOpcode(j) || j.status === null) return false;
        const end = endedAt(j);
        return !isTerminal(jobState(j.status)) || known.has(jobNativeId(j.id)) || (end !== null && t - end <= RECENT_JOB_MS);
      });
      // In full (log, results): running ones every time, ended ones once, newest first. RAPI takes
      // 0.1–0.5 s a job, so a first poll reads only a few of the last hour's; the rest show
      // from the list (no log yet) and are read on later polls.
      let budget = ENDED_READS_PER_POLL;
      const reads = wanted
        .sort((a, b) => b.id - a.id)
        .map((j) => {
          if (!isTerminal(jobState(j.status!)) || ended.has(j.id)) return j;
          return budget-- > 0 ? j : null;
        });
      const full: (Job | null)[] = [];
      for (let k = 0; k < wanted.length; k += FULL_READS_AT_ONCE) {
        const batch = wanted.slice(k, k + FULL_READS_AT_ONCE);
        full.push(...(await Promise.all(batch.map((j, n) => (reads[k + n] ? fullJob(j) : Promise.resolve(j))))));
      }
      const out: OperationSnapshot[] = [];
      for (const j of full) {
        if (!j) continue;
        const s = snapshotOf(j, instances, known.get(jobNativeId(j.id)));
        if (s) out.push(s);
        if (!isTerminal(jobState(j.status ?? ''))) follow(j);
      }
      return out;
    },

    async getOperation(nativeId) {
      const id = jobIdOf(nativeId);
      if (id === null) return null;
      const j = await client.job(id);
      return j ? snapshotOf(j, await instanceMap()) : null;
    },

    resolveVanished: (op) => jobAfterVanish(client, op),

    // The cheap look while nothing runs: the job ids (a new job is a new id).
    async changedSince(cursor) {
      const ids = await client.jobIds();
      const newest = String(Math.max(0, ...ids.map((j) => j.id)));
      return { changed: cursor === null || cursor !== newest, cursor: newest };
    },

    subscribe(onChange) {
      listeners.add(onChange);
      return () => {
        listeners.delete(onChange);
        if (listeners.size === 0) for (const ac of waits.values()) ac.abort();
      };
    },

    async describeEngine() {
      const info = await client.info();
      return { product: 'Ganeti', version: `${info.software_version} (cluster ${info.name}, master ${info.master})` };
    },

    async inventory(): Promise<GanetiInventory> {
      const [instances, nodes] = await Promise.all([client.instances(), client.nodes()]);
      return {
        instances: instances.map((i) => ({ name: i.name, status: i.status, primary: i.pnode, secondaries: i.snodes, diskTemplate: i.disk_template })),
        nodes: nodes.map((n) => ({ name: n.name, offline: n.offline, drained: n.drained })),
      };
    },

    // A move the operator asks for: the instance and the node must be the cluster's own, and the node not the instance's primary.
    async start(kind, params, log) {
      if (kind !== 'live_migration' && kind !== 'cold_migration' && kind !== 'failover') {
        throw new AppError('invalid_input', `kind: Ganeti starts live_migration, cold_migration or failover, not "${kind}"`, { field: 'kind' });
      }
      const p = parseInput(MoveParams, params, kind.replace('_', ' '));
      const i = await client.instance(p.instance);
      if (!i) throw new AppError('invalid_input', `instance: no instance ${p.instance} in this cluster`, { field: 'instance' });
      if (p.node !== null) {
        const nodes = (await client.nodes()).map((n) => n.name);
        if (!nodes.includes(p.node)) throw new AppError('invalid_input', `node: no node "${p.node}"; one of: ${nodes.join(', ')}`, { field: 'node' });
        if (p.node === i.pnode) throw new AppError('invalid_input', `node: ${i.name} already has ${p.node} as its primary`, { field: 'node' });
      }
      const target = p.node ? { target_node: p.node } : {};
      const r =
        kind === 'failover'
          ? REQUESTS.failover(i.name, target)
          : REQUESTS.migrate(i.name, { mode: kind === 'live_migration' ? 'live' : 'non-live', ...target });
      log(requestLine(r));
      const job = await client.submit(r);
      const what = kind === 'failover' ? 'Failover' : kind === 'live_migration' ? 'Live migration' : 'Non-live migration';
      return { message: `${what} of ${i.name} to ${p.node ?? "the allocator's choice"} submitted as job ${job}`, warnings: [] };
    },

    describeActions: describeGanetiActions,
    performAction: (op, request) => performGanetiAction(client, op, request),

    async close() {
      closed = true;
      for (const ac of waits.values()) ac.abort();
    },
  };
}
