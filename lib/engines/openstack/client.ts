import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { sendRequest, type RawResponse } from '@/lib/http/json-request';
import type { Logger } from '@/lib/log/logger';
import { COMPUTE_FEATURES, VOLUME_FEATURES, type ComputeFeature, type VolumeFeature } from './constants';
import {
  CinderAttachmentList,
  CinderVolumeList,
  CinderVolumeShow,
  NovaInstanceActionList,
  NovaInstanceActionShow,
  NovaMigrationList,
  NovaServerList,
  NovaServerMigrationList,
  NovaServerMigrationShow,
  NovaServerShow,
  NovaServiceList,
  VersionDocument,
  hasNextPage,
  parsePayload,
  parseJson,
  refused,
} from './parse';
import { keystoneLogin, type Session } from './keystone';

/** Keystone v3 credentials: a user's password, or an application credential (what operators prefer to hand a tool). */
export type OpenStackAuth =
  | { type: 'password'; username: string; password: string; userDomain: string; project: string; projectDomain: string }
  | { type: 'application_credential'; id: string; secret: string };

export interface OpenStackClientOptions {
  /** Keystone v3, e.g. https://keystone.example.com:5000/v3 */
  authUrl: string;
  auth: OpenStackAuth;
  region?: string;
  /** which catalog endpoints to use */
  interface: 'public' | 'internal' | 'admin';
  /** PEM bundle of the cloud's CA; when set, only it is trusted */
  ca?: string;
  timeoutMs: number;
  /** allow http:// endpoints (Keystone and the catalog's): tokens then cross the network in clear */
  insecure?: boolean;
  /** the highest microversions to send even if the cloud offers more (a cloud that misreports, or a test) */
  cap?: { compute?: string; volume?: string };
  log: Logger;
}

export type Service = 'compute' | 'volume';
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One request phaseboard sends: what the client sends is what a dry run shows (requestLine). */
export interface OpenStackRequest {
  service: Service;
  method: Method;
  /** below the service's endpoint, e.g. /servers/{id}/migrations/7/action */
  path: string;
  body?: unknown;
}

const enc = encodeURIComponent;
/** every project's (admin) or the caller's own; from the item after `marker` */
const listQuery = (allProjects: boolean, marker: string | null) => {
  const q = new URLSearchParams({ ...(allProjects ? { all_tenants: '1' } : {}), ...(marker ? { marker } : {}) }).toString();
  return q ? `?${q}` : '';
};
/** A list longer than this many pages is a loop, not a cloud. */
const MAX_PAGES = 1000;

/** The requests of each verb. */
export const REQUESTS = {
  migrations: (query: Record<string, string>): OpenStackRequest => ({
    service: 'compute',
    method: 'GET',
    path: `/os-migrations${Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : ''}`,
  }),
  serverMigration: (server: string, id: number): OpenStackRequest => ({ service: 'compute', method: 'GET', path: `/servers/${enc(server)}/migrations/${id}` }),
  serverMigrations: (server: string): OpenStackRequest => ({ service: 'compute', method: 'GET', path: `/servers/${enc(server)}/migrations` }),
  /** every project's with the admin role; a member may only ask for its own (all_tenants is a 403 then) */
  servers: (allProjects: boolean, marker: string | null = null): OpenStackRequest => ({
    service: 'compute',
    method: 'GET',
    path: `/servers/detail${listQuery(allProjects, marker)}`,
  }),
  server: (id: string): OpenStackRequest => ({ service: 'compute', method: 'GET', path: `/servers/${enc(id)}` }),
  instanceActions: (server: string): OpenStackRequest => ({ service: 'compute', method: 'GET', path: `/servers/${enc(server)}/os-instance-actions` }),
  instanceAction: (server: string, requestId: string): OpenStackRequest => ({
    service: 'compute',
    method: 'GET',
    path: `/servers/${enc(server)}/os-instance-actions/${enc(requestId)}`,
  }),
  computeServices: (): OpenStackRequest => ({ service: 'compute', method: 'GET', path: '/os-services?binary=nova-compute' }),
  forceComplete: (server: string, id: number): OpenStackRequest => ({
    service: 'compute',
    method: 'POST',
    path: `/servers/${enc(server)}/migrations/${id}/action`,
    body: { force_complete: null },
  }),
  abort: (server: string, id: number): OpenStackRequest => ({ service: 'compute', method: 'DELETE', path: `/servers/${enc(server)}/migrations/${id}` }),
  serverAction: (server: string, body: Record<string, unknown>): OpenStackRequest => ({
    service: 'compute',
    method: 'POST',
    path: `/servers/${enc(server)}/action`,
    body,
  }),
  attachments: (allProjects: boolean, marker: string | null = null): OpenStackRequest => ({
    service: 'volume',
    method: 'GET',
    path: `/attachments/detail${listQuery(allProjects, marker)}`,
  }),
  attachmentDelete: (id: string): OpenStackRequest => ({ service: 'volume', method: 'DELETE', path: `/attachments/${enc(id)}` }),
  volumes: (allProjects: boolean, marker: string | null = null): OpenStackRequest => ({
    service: 'volume',
    method: 'GET',
    path: `/volumes/detail${listQuery(allProjects, marker)}`,
  }),
  volume: (id: string): OpenStackRequest => ({ service: 'volume', method: 'GET', path: `/volumes/${enc(id)}` }),
  volumeAction: (id: string, body: Record<string, unknown>): OpenStackRequest => ({
    service: 'volume',
    method: 'POST',
    path: `/volumes/${enc(id)}/action`,
    body,
  }),
};

/** A request as a person reads it: `POST compute /servers/…/migrations/7/action {"force_complete":null}`. */
export const requestLine = (r: OpenStackRequest): string =>
  `${r.method} ${r.service} ${decodeURIComponent(r.path)}${r.body !== undefined ? ` ${JSON.stringify(r.body)}` : ''}`;

/** "2.80" → [2, 80], for comparing microversions. */
export function parseMicroversion(v: string): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) throw new AppError('engine_payload', `"${v}" is not a microversion`);
  return [Number(m[1]), Number(m[2])];
}
export function compareMicroversions(a: string, b: string): number {
  const [a1, a2] = parseMicroversion(a);
  const [b1, b2] = parseMicroversion(b);
  return a1 - b1 || a2 - b2;
}
const minVersion = (a: string, b: string) => (compareMicroversions(a, b) <= 0 ? a : b);

/** A service's endpoint and the microversions it offers (after any cap). */
export interface ServiceInfo {
  url: string;
  min: string;
  max: string;
}

/** The service a feature belongs to. */
const serviceOf = (feature: string): Service => (Object.hasOwn(COMPUTE_FEATURES, feature) ? 'compute' : 'volume');

const FEATURES: Record<Service, Record<string, { min: string; want: string }>> = { compute: COMPUTE_FEATURES, volume: VOLUME_FEATURES };

/**
 * Keystone, Nova and Cinder over REST: the only place that talks to the
 * cloud. Authenticates with Keystone v3 (token cached until shortly before
 * it expires, and again once on a 401), finds its endpoints in the catalog,
 * reads each service's version document once and sends every request with
 * the microversion its feature needs, as high as the cloud allows.
 */
export class OpenStackClient {
  private session: Promise<Session> | null = null;
  private readonly services = new Map<Service, Promise<ServiceInfo>>();

  constructor(private readonly o: OpenStackClientOptions) {}

  /** The microversion a feature is sent with, or null when the cloud is too old for it. */
  async microversion(feature: ComputeFeature | VolumeFeature, service?: Service): Promise<string | null> {
    service ??= serviceOf(feature);
    const f = FEATURES[service][feature];
    if (!f) throw new AppError('internal', `no ${service} feature ${feature}`);
    const info = await this.service(service);
    if (compareMicroversions(info.max, f.min) < 0) return null;
    return minVersion(f.want, info.max);
  }

  /** Whether the credentials hold the admin role (live-migrate, os-migrations and reset-state need it by default policy). */
  async isAdmin(): Promise<boolean> {
    return (await this.auth()).roles.includes('admin');
  }

  async service(service: Service): Promise<ServiceInfo> {
    let p = this.services.get(service);
    if (!p) {
      p = this.discover(service).catch((e: unknown) => {
        this.services.delete(service);
        throw e;
      });
      this.services.set(service, p);
    }
    return p;
  }

  // ---- Nova

  /** GET /os-migrations with the filters given (changes-since, limit, marker need 2.59). */
  async migrations(query: Record<string, string>, version: string) {
    return parsePayload(NovaMigrationList, await this.json(REQUESTS.migrations(query), version), 'os-migrations');
  }
  async serverMigration(server: string, id: number) {
    const v = await this.need('migrationDetail');
    const body = await this.json(REQUESTS.serverMigration(server, id), v, { allow404: true });
    return body === null ? null : parsePayload(NovaServerMigrationShow, body, 'server migration').migration;
  }
  async serverMigrations(server: string) {
    const v = await this.need('migrationDetail');
    return parsePayload(NovaServerMigrationList, await this.json(REQUESTS.serverMigrations(server), v), 'server migrations').migrations;
  }
  /** Every instance, page by page (Nova cuts at its max_limit, 1000 by default). */
  async servers() {
    const all = await this.isAdmin();
    const v = await this.need('servers');
    return this.pages(async (marker) => {
      const page = parsePayload(NovaServerList, await this.json(REQUESTS.servers(all, marker), v), 'server list');
      return { items: page.servers, next: hasNextPage(page.servers_links) };
    });
  }
  async server(id: string) {
    const body = await this.json(REQUESTS.server(id), await this.need('servers'), { allow404: true });
    return body === null ? null : parsePayload(NovaServerShow, body, 'server').server;
  }
  async instanceActions(server: string) {
    const body = await this.json(REQUESTS.instanceActions(server), await this.need('instanceActions'), { allow404: true });
    return body === null ? [] : parsePayload(NovaInstanceActionList, body, 'instance actions').instanceActions;
  }
  async instanceAction(server: string, requestId: string) {
    const body = await this.json(REQUESTS.instanceAction(server, requestId), await this.need('instanceActions'), { allow404: true });
    return body === null ? null : parsePayload(NovaInstanceActionShow, body, 'instance action').instanceAction;
  }
  async computeServices() {
    return parsePayload(NovaServiceList, await this.json(REQUESTS.computeServices(), await this.need('services')), 'compute services').services;
  }

  // ---- Cinder

  /** Every attachment, or null when the cloud is older than the attachments API (3.27). */
  async attachments() {
    const v = await this.microversion('attachments', 'volume');
    if (v === null) return null;
    const all = await this.isAdmin();
    return this.pages(async (marker) => {
      const page = parsePayload(CinderAttachmentList, await this.json(REQUESTS.attachments(all, marker), v), 'attachments');
      return { items: page.attachments, next: hasNextPage(page.attachments_links) };
    });
  }
  async volumes() {
    const all = await this.isAdmin();
    const v = await this.need('volumes', 'volume');
    return this.pages(async (marker) => {
      const page = parsePayload(CinderVolumeList, await this.json(REQUESTS.volumes(all, marker), v), 'volume list');
      return { items: page.volumes, next: hasNextPage(page.volumes_links) };
    });
  }

  /** Follows a list's pages: while the service names a next page, ask again from after the last item. */
  private async pages<T extends { id: string }>(page: (marker: string | null) => Promise<{ items: T[]; next: boolean }>): Promise<T[]> {
    const out: T[] = [];
    let marker: string | null = null;
    for (let n = 0; n < MAX_PAGES; n++) {
      const { items, next } = await page(marker);
      out.push(...items);
      const last = items.at(-1)?.id ?? null;
      if (!next || last === null || last === marker) return out;
      marker = last;
    }
    throw new AppError('engine_payload', `the cloud kept naming a next page after ${MAX_PAGES} pages`);
  }
  async volume(id: string) {
    const body = await this.json(REQUESTS.volume(id), await this.need('volumes', 'volume'), { allow404: true });
    return body === null ? null : parsePayload(CinderVolumeShow, body, 'volume').volume;
  }

  /** Sends a request that changes something; answers nothing (Nova's actions answer 202 with no body). */
  async send(r: OpenStackRequest, feature: ComputeFeature | VolumeFeature, correlationId?: string): Promise<void> {
    const v = await this.need(feature, r.service);
    await this.call(r, v, { correlationId });
  }

  /** GET on a service at a microversion, JSON back; a 404 answers null when allowed. */
  async json(r: OpenStackRequest, version: string | null, opts: { allow404?: boolean } = {}): Promise<unknown> {
    const res = await this.call(r, version, opts);
    if (res.status === 404) return null;
    return parseJson(res, `${r.method} ${r.path}`);
  }

  private async need(feature: ComputeFeature | VolumeFeature, service?: Service): Promise<string> {
    const v = await this.microversion(feature, service);
    if (v === null) {
      const s = service ?? serviceOf(feature);
      const f = FEATURES[s][feature]!;
      const info = await this.service(s);
      throw new AppError('unsupported', `this cloud's ${s} API goes up to ${info.max}; ${feature} needs ${f.min}`);
    }
    return v;
  }

  private async call(r: OpenStackRequest, version: string | null, opts: { allow404?: boolean; correlationId?: string }): Promise<RawResponse> {
    const url = (await this.service(r.service)).url;
    let res = await this.send1(url, r, version, (await this.auth()).token, opts.correlationId);
    if (res.status === 401) {
      // a token revoked or expired early: authenticate again, once
      this.session = null;
      res = await this.send1(url, r, version, (await this.auth()).token, opts.correlationId);
    }
    if (res.status === 404 && opts.allow404) return res;
    if (res.status < 200 || res.status >= 300) throw refused(res, `${r.method} ${r.path}`, r.service);
    return res;
  }

  private async send1(base: string, r: OpenStackRequest, version: string | null, token: string, correlationId?: string): Promise<RawResponse> {
    const started = Date.now();
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Auth-Token': token };
    if (version) {
      headers['OpenStack-API-Version'] = `${r.service} ${version}`;
      // Nova before 2.27 reads only its own header
      if (r.service === 'compute') headers['X-OpenStack-Nova-API-Version'] = version;
    }
    if (r.body !== undefined) headers['Content-Type'] = 'application/json';
    // Nova and Cinder log an inbound request id of their form as the global request id: their logs tie back to our audit
    if (correlationId && /^[0-9a-f-]{36}$/.test(correlationId)) headers['X-OpenStack-Request-ID'] = `req-${correlationId}`;
    const res = await sendRequest({
      method: r.method,
      url: new URL(base.replace(/\/+$/, '') + r.path),
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
      headers,
      timeoutMs: this.o.timeoutMs,
      ca: this.o.ca,
    });
    this.o.log.debug({ service: r.service, method: r.method, path: r.path, version, status: res.status, ms: Date.now() - started }, 'openstack request');
    return res;
  }

  private auth(): Promise<Session> {
    if (this.session) {
      const current = this.session;
      return current.then((s) => {
        if (s.expiresAt - Date.now() > 60_000) return s;
        if (this.session === current) this.session = null;
        return this.auth();
      });
    }
    const p = keystoneLogin(this.o).catch((e: unknown) => {
      if (this.session === p) this.session = null;
      throw e;
    });
    this.session = p;
    return p;
  }

  private async discover(service: Service): Promise<ServiceInfo> {
    const s = await this.auth();
    const url = s.endpoints[service];
    if (!url) {
      const where = `${this.o.interface} endpoint${this.o.region ? ` in region ${this.o.region}` : ''}`;
      throw new AppError('engine_refused', `the catalog of this cloud has no ${service} ${where}`);
    }
    if (url.startsWith('http:') && !this.o.insecure) {
      throw new AppError(
        'engine_refused',
        `the catalog's ${service} endpoint ${url} is plain http: every token would cross the network in clear (set "insecure": true for this connection to allow it)`,
      );
    }
    // the version document lives at the versioned root (Cinder's catalog URL ends in the project id)
    const root = url.replace(/(\/v\d+(\.\d+)?)(\/.*)?$/, '$1/');
    const res = await sendRequest({
      method: 'GET',
      url: new URL(root),
      headers: { Accept: 'application/json', 'X-Auth-Token': s.token },
      timeoutMs: this.o.timeoutMs,
      ca: this.o.ca,
    });
    if (res.status !== 200) throw refused(res, `GET ${root}`, service);
    const doc = parsePayload(VersionDocument, parseJson(res, `${service} version document`), `the ${service} version document`);
    // a cloud without microversions says "" for both
    let max = doc.version || doc.min_version || (service === 'compute' ? '2.1' : '3.0');
    const min = doc.min_version || max;
    const cap = this.o.cap?.[service];
    if (cap && compareMicroversions(cap, max) < 0) max = cap;
    return { url, min, max };
  }
}
