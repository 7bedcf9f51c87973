import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { sendRequest, type RawResponse } from '@/lib/http/json-request';
import type { Logger } from '@/lib/log/logger';
import { SSO_SCOPE } from './constants';
import { OvirtApiRoot, OvirtDisk, OvirtEventList, OvirtImageTransfer, OvirtImageTransferList, SsoToken, faultMessage, parsePayload } from './parse';

export interface OvirtClientOptions {
  /** engine base, e.g. https://engine.example.com/ovirt-engine (a trailing /api is accepted) */
  url: string;
  username: string;
  password: string;
  /** PEM bundle of the engine's CA; when set, only it is trusted */
  ca?: string;
  timeoutMs: number;
  log: Logger;
}

export type TransferAction = 'finalize' | 'cancel' | 'pause' | 'resume';

/** One REST request phaseboard sends: the client sends it, a playbook's dry run shows it (requestLine). */
export interface OvirtRequest {
  method: 'GET' | 'POST';
  /** below the engine's base URL, e.g. /api/imagetransfers/{id}/resume */
  path: string;
  body?: string;
}

/** The requests of each verb: what the client sends is what a dry run says. */
export const REQUESTS = {
  apiRoot: (): OvirtRequest => ({ method: 'GET', path: '/api' }),
  imageTransferList: (): OvirtRequest => ({ method: 'GET', path: '/api/imagetransfers?follow=disk' }),
  imageTransferGet: (id: string): OvirtRequest => ({ method: 'GET', path: `/api/imagetransfers/${encodeURIComponent(id)}?follow=disk` }),
  diskGet: (id: string): OvirtRequest => ({ method: 'GET', path: `/api/disks/${encodeURIComponent(id)}` }),
  /** the audit log's newest `max` events, only those after event `from` when given (oVirt: audit_log_id > from, newest first) */
  eventList: (from: number | null, max: number): OvirtRequest => ({
    method: 'GET',
    path: from === null ? `/api/events?max=${max}` : `/api/events?from=${from}&max=${max}`,
  }),
  imageTransferAction: (id: string, action: TransferAction): OvirtRequest => ({
    method: 'POST',
    path: `/api/imagetransfers/${encodeURIComponent(id)}/${action}`,
    body: '{}',
  }),
};

/** A request as a person reads it: `POST /ovirt-engine/api/imagetransfers/1f…/resume {}`. */
export const requestLine = (r: OvirtRequest): string => `${r.method} /ovirt-engine${decodeURIComponent(r.path)}${r.body ? ` ${r.body}` : ''}`;

/**
 * oVirt REST v4 (JSON): the only place that talks to the engine, one method
 * per resource verb. Every request logs one debug line (method, path,
 * status, time); the SSO bearer token is fetched lazily and again once on a 401.
 */
export class OvirtClient {
  private readonly base: string;
  private token: Promise<string> | null = null;

  constructor(private readonly options: OvirtClientOptions) {
    this.base = options.url.replace(/\/+$/, '').replace(/\/api$/, '');
  }

  async apiRoot() {
    return parsePayload(OvirtApiRoot, await this.getJson(REQUESTS.apiRoot().path), 'API root');
  }

  /** One batched call: every transfer with its disk inlined. */
  async imageTransferList() {
    const body = parsePayload(OvirtImageTransferList, await this.getJson(REQUESTS.imageTransferList().path), 'image transfer list');
    return body.image_transfer ?? [];
  }

  async imageTransferGet(id: string) {
    const body = await this.getJson(REQUESTS.imageTransferGet(id).path, { allow404: true });
    return body === null ? null : parsePayload(OvirtImageTransfer, body, 'image transfer');
  }

  /** Audit-log events, newest first: the newest `max`, or those after event `from` (at most `max` of them). */
  async eventList(from: number | null, max: number) {
    const body = parsePayload(OvirtEventList, await this.getJson(REQUESTS.eventList(from, max).path), 'event list');
    return body.event ?? [];
  }

  async diskGet(id: string) {
    const body = await this.getJson(REQUESTS.diskGet(id).path, { allow404: true });
    return body === null ? null : parsePayload(OvirtDisk, body, 'disk');
  }

  /** POSTs an action with an empty action body; Correlation-Id ties engine logs to our audit. */
  async imageTransferAction(id: string, action: TransferAction, correlationId: string): Promise<void> {
    const r = REQUESTS.imageTransferAction(id, action);
    await this.call(r.method, r.path, {
      body: r.body,
      headers: { 'Content-Type': 'application/json', 'Correlation-Id': correlationId },
    });
  }

  private async getJson(path: string, opts: { allow404?: boolean } = {}): Promise<unknown> {
    const res = await this.call('GET', path, { allow404: opts.allow404 });
    if (res.status === 404) return null;
    return parseJson(res, path);
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    opts: { body?: string; headers?: Record<string, string>; allow404?: boolean },
  ): Promise<RawResponse> {
    let res = await this.send(method, path, opts, await this.bearer());
    if (res.status === 401) {
      // Tokens expire or are revoked by an engine restart: authenticate again, once.
      this.token = null;
      res = await this.send(method, path, opts, await this.bearer());
    }
    if (res.status === 404 && opts.allow404) return res;
    if (res.status < 200 || res.status >= 300) throw refused(res, `${method} ${path}`);
    return res;
  }

  private async send(method: 'GET' | 'POST', path: string, opts: { body?: string; headers?: Record<string, string> }, token: string): Promise<RawResponse> {
    const started = Date.now();
    const res = await sendRequest({
      method,
      url: new URL(this.base + path),
      body: opts.body,
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, Version: '4', ...opts.headers },
      timeoutMs: this.options.timeoutMs,
      ca: this.options.ca,
    });
    this.options.log.debug({ method, path, status: res.status, ms: Date.now() - started }, 'ovirt request');
    return res;
  }

  private bearer(): Promise<string> {
    this.token ??= this.login().catch((e: unknown) => {
      this.token = null;
      throw e;
    });
    return this.token;
  }

  private async login(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'password',
      scope: SSO_SCOPE,
      username: this.options.username,
      password: this.options.password,
    });
    const res = await sendRequest({
      method: 'POST',
      url: new URL(`${this.base}/sso/oauth/token`),
      body: form.toString(),
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      timeoutMs: this.options.timeoutMs,
      ca: this.options.ca,
    });
    if (res.status !== 200) {
      const err = refused(res, 'SSO login');
      throw new AppError('engine_refused', `oVirt SSO refused ${this.options.username}: ${err.engineMessage ?? `HTTP ${res.status}`}`, {
        engineMessage: err.engineMessage,
      });
    }
    return parsePayload(SsoToken, parseJson(res, 'SSO token'), 'SSO token').access_token;
  }
}

function parseJson(res: RawResponse, what: string): unknown {
  try {
    return JSON.parse(res.text);
  } catch (cause) {
    throw new AppError('engine_payload', `oVirt answered ${what} with something that is not JSON`, { cause });
  }
}

function refused(res: RawResponse, what: string): AppError {
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  const engineMessage = faultMessage(body) ?? (res.text.slice(0, 300) || undefined);
  const code = res.status === 404 ? 'not_found' : res.status === 409 ? 'conflict' : 'engine_refused';
  return new AppError(code, `oVirt refused ${what} (HTTP ${res.status})${engineMessage ? `: ${engineMessage}` : ''}`, {
    engineMessage,
  });
}
