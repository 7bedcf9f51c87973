import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { sendRequest, type RawResponse } from '@/lib/http/json-request';
import type { z } from 'zod';
import { FINAL_JOB_STATUSES, WAIT_HOLD_S } from './constants';
import { REQUESTS, requestLine, type RapiRequest } from './requests';
import {
  CancelAnswer,
  ClusterInfo,
  InstanceList,
  Instance,
  Job,
  JobId,
  JobIds,
  JobList,
  JobWait,
  NodeList,
  faultMessage,
  opFailure,
  parsePayload,
  type LogEntry,
} from './parse';

export interface GanetiClientOptions {
  /** RAPI base, e.g. https://cluster.example.com:5080 */
  url: string;
  username: string;
  password: string;
  /** the one certificate to accept (rapi.pem's SHA-256) */
  certSha256?: string;
  /** or the CA's PEM bundle */
  ca?: string;
  timeoutMs: number;
}

const enc = encodeURIComponent;

/** Ganeti's RAPI over HTTPS with basic auth: every answer parsed (parse.ts), every refusal in Ganeti's own words. */
export class GanetiClient {
  private readonly base: string;
  private readonly auth: string;

  constructor(private readonly o: GanetiClientOptions) {
    this.base = o.url.replace(/\/+$/, '');
    this.auth = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`;
  }

  private async raw(r: RapiRequest, timeoutMs = this.o.timeoutMs, signal?: AbortSignal): Promise<RawResponse> {
    return sendRequest({
      method: r.method,
      url: new URL(`${this.base}${r.path}`),
      headers: { Authorization: this.auth, Accept: 'application/json', ...(r.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: r.body !== undefined ? JSON.stringify(r.body) : undefined,
      timeoutMs,
      ca: this.o.ca,
      pinSha256: this.o.certSha256,
      signal,
    });
  }

  private async call<T extends z.ZodType>(schema: T, what: string, r: RapiRequest, timeoutMs?: number, signal?: AbortSignal): Promise<z.infer<T>> {
    const res = await this.raw(r, timeoutMs, signal);
    if (res.status < 200 || res.status > 299) throw refused(res, what);
    return parsePayload(schema, what, res);
  }

  info() {
    return this.call(ClusterInfo, 'cluster info', { method: 'GET', path: '/2/info' });
  }
  jobIds() {
    return this.call(JobIds, 'the job list', { method: 'GET', path: '/2/jobs' });
  }
  jobs() {
    return this.call(JobList, 'the job list', { method: 'GET', path: '/2/jobs?bulk=1' });
  }
  /** one job with its log and results; null when Ganeti does not know it (200 with every field null) */
  async job(id: number): Promise<Job | null> {
    const j = await this.call(Job, `job ${id}`, { method: 'GET', path: `/2/jobs/${id}` });
    return j.status === null ? null : j;
  }
  instances() {
    return this.call(InstanceList, 'the instance list', { method: 'GET', path: '/2/instances?bulk=1' });
  }
  instance(name: string): Promise<Instance | null> {
    return this.call(Instance, `instance ${name}`, { method: 'GET', path: `/2/instances/${enc(name)}` }).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'not_found') return null;
      throw e;
    });
  }
  nodes() {
    return this.call(NodeList, 'the node list', { method: 'GET', path: '/2/nodes?bulk=1' });
  }

  /**
   * Waits (Ganeti holds the answer up to 10 s) until the job's status or
   * opcode statuses differ from `previous` or a log entry above `serial`
   * appears. Needs a RAPI user with write access.
   */
  wait(id: number, previous: unknown[] | null, serial: number | null, signal?: AbortSignal): Promise<JobWait> {
    return this.call(
      JobWait,
      `waiting on job ${id}`,
      { method: 'GET', path: `/2/jobs/${id}/wait`, body: { fields: ['status', 'opstatus'], previous_job_info: previous, previous_log_serial: serial } },
      (WAIT_HOLD_S + 10) * 1000,
      signal,
    );
  }

  /** Sends a request that starts a job; answers its id. */
  submit(r: RapiRequest): Promise<number> {
    return this.call(JobId, requestLine(r), r);
  }

  /** Follows a job with /wait until it ends (a stop or start the operator asked for); its status and failure in Ganeti's words. */
  async untilEnded(id: number, signal?: AbortSignal, limitMs = 5 * 60_000): Promise<{ status: string; failure: string | null }> {
    const deadline = Date.now() + limitMs;
    let previous: unknown[] | null = null;
    let serial: number | null = null;
    for (;;) {
      const j = await this.job(id);
      if (!j) throw new AppError('engine_payload', `Ganeti forgot job ${id} while it ran`);
      if (FINAL_JOB_STATUSES.has(j.status ?? '')) {
        const failure = (j.opresult ?? []).map(opFailure).find((f) => f !== null);
        return { status: j.status!, failure: failure?.message ?? null };
      }
      if (Date.now() > deadline) throw new AppError('timeout', `job ${id} did not end within ${limitMs / 1000} s (it is ${j.status})`);
      const w = await this.wait(id, previous ?? [j.status, j.opstatus], serial, signal);
      previous = w.job_info;
      serial = Math.max(serial ?? 0, ...w.log_entries.map((e) => e[0])) || null;
    }
  }

  /** Cancels a queued or waiting job; Ganeti's own words when it cannot. */
  async cancel(id: number): Promise<string> {
    const [ok, message] = await this.call(CancelAnswer, `cancelling job ${id}`, REQUESTS.cancel(id));
    if (!ok) throw new AppError('engine_refused', `Ganeti did not cancel job ${id}: ${message}`, { engineMessage: message });
    return message;
  }
}

/** Ganeti's refusal as an AppError with its words: 404 not_found, 401/403 auth, the rest engine_refused. */
export function refused(res: RawResponse, what: string): AppError {
  const engineMessage = faultMessage(res);
  const code = res.status === 404 ? 'not_found' : 'engine_refused';
  const hint = res.status === 401 ? ' (check the RAPI user and password)' : res.status === 403 ? ' (the RAPI user needs the "write" option)' : '';
  return new AppError(code, `Ganeti refused ${what} (HTTP ${res.status}): ${engineMessage}${hint}`, { engineMessage });
}

export type { LogEntry };
