import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { sendRequest, type RawResponse } from '@/lib/http/json-request';
import type { Logger } from '@/lib/log/logger';
import { SSO_SCOPE } from './constants';
import { OvirtApiRoot, OvirtDisk, OvirtImageTransfer, OvirtImageTransferList, SsoToken, faultMessage, parsePayload } from './parse';

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

/**
 * oVirt REST v4 (JSON) client: the only place that talks to the engine.
 * SSO bearer token, fetched lazily and fetched again once on a 401.
 */
export class OvirtClient {
  private readonly base: string;
  private token: Promise<string> | null = null;

  constructor(private readonly options: OvirtClientOptions) {
    this.base = options.url.replace(/\/+$/, '').replace(/\/api$/, '');
  }

  async apiRoot() {
    return parsePayload(OvirtApiRoot, await this.getJson('/api'), 'API root');
  }

  /** One batched call: every transfer with its disk inlined. */
  async imageTransferList() {
    const body = parsePayload(OvirtImageTransferList, await this.getJson('/api/imagetransfers?follow=disk'), 'image transfer list');
    return body.image_transfer ?? [];
  }

  async imageTransferGet(id: string) {
    const body = await this.getJson(`/api/imagetransfers/${encodeURIComponent(id)}?follow=disk`, { allow404: true });
    return body === null ? null : parsePayload(OvirtImageTransfer, body, 'image transfer');
  }

  async diskGet(id: string) {
    const body = await this.getJson(`/api/disks/${encodeURIComponent(id)}`, { allow404: true });
    return body === null ? null : parsePayload(OvirtDisk, body, 'disk');
  }

  /** POSTs an action with an empty action body; Correlation-Id ties engine logs to our audit. */
  async imageTransferAction(id: string, action: TransferAction, correlationId: string): Promise<void> {
    await this.call('POST', `/api/imagetransfers/${encodeURIComponent(id)}/${action}`, {
      body: '{}',
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
