import 'server-only';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { cinder } from './cinder';
import { SimCloud } from './cloud';
import { startMix } from './mix';
import { hex32, keystoneTime, requestId } from './model';
import { nova } from './nova';
import { cinderVersion, novaVersion, type RenderContext } from './render';
import { badRequest, faultReply, isObject, notFound, ok, type Reply, type SimRequest } from './routes';
import { readBody } from '../../sim-http';

export interface OpenStackSimOptions {
  host?: string;
  /** 0 picks a free port */
  port?: number;
  username: string;
  password: string;
  /** the project the user is scoped to (domain Default) */
  project: string;
  /** whether the user holds the admin role (default true) */
  admin?: boolean;
  /** an application credential of that user */
  appCredential?: { id: string; secret: string };
  /** a second user with only member and reader roles (for 403s) */
  member?: { username: string; password: string };
  cloud?: SimCloud;
  /** the highest microversions offered (a cloud older than Zed) */
  maxCompute?: string;
  maxVolume?: string;
}

interface User {
  id: string;
  name: string;
  password: string;
  admin: boolean;
}
interface Token {
  user: User;
  expiresAt: number;
  scoped: boolean;
}

/** Keystone's tokens live an hour (of real time: the client compares expires_at with its own clock). */
const TOKEN_MS = 3_600_000;
const ROLES = { reader: '1829156ba442447388d4e69549b2c065', member: '8a4fa0118bcb4c2aa4c18415b0de1174', admin: 'd9a2dffd34f640d2b65f8df3918a0f09' };
const UNAUTHORIZED = { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } };
const OUTAGE_PAGE = '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n';

/**
 * A loopback server speaking the Keystone v3, Nova and Cinder subset
 * phaseboard uses, in the shapes a Zed cloud answers (fixtures/): a token
 * with its catalog, the version documents, microversions with their gates,
 * default policy (admin-only calls answer 403 to a member), and the
 * simulated cloud behind it.
 */
export class OpenStackSimServer {
  readonly cloud: SimCloud;
  private readonly tokens = new Map<string, Token>();
  private readonly users: User[];
  private server: http.Server | null = null;
  private root = '';
  private mix = { active: 0, speed: 1, stop: () => {} };
  /** until then every API call answers 503, as a cloud behind a load balancer with no backend does */
  private outageUntil = 0;
  private readonly endpointIds = Array.from({ length: 12 }, hex32);
  private readonly maxCompute: number;
  private readonly maxVolume: number;

  constructor(private readonly o: OpenStackSimOptions) {
    this.cloud = o.cloud ?? new SimCloud();
    this.users = [{ id: this.cloud.userId, name: o.username, password: o.password, admin: o.admin ?? true }];
    if (o.member) this.users.push({ id: hex32(), name: o.member.username, password: o.member.password, admin: false });
    this.maxCompute = Number((o.maxCompute ?? '2.93').split('.')[1]);
    this.maxVolume = Number((o.maxVolume ?? '3.70').split('.')[1]);
  }

  /** Listens; answers the Keystone URL (…/identity/v3). */
  async start(): Promise<string> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => send(res, { status: 500, body: { computeFault: { code: 500, message: String(e) } } }));
    });
    this.server = server;
    const host = this.o.host ?? '127.0.0.1';
    await new Promise<void>((resolve) => server.listen(this.o.port ?? 0, host, resolve));
    this.root = `http://${host}:${(server.address() as AddressInfo).port}`;
    return `${this.root}/identity/v3`;
  }

  async stop(): Promise<void> {
    this.setMix(0);
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps `active` operations in flight from the weighted mix (0 stops it). */
  setMix(active: number, speed = 1): void {
    this.mix.stop();
    this.mix = { active, speed, stop: active > 0 ? startMix(this.cloud, { active, speed }) : () => {} };
  }

  /** Every API call answers 503 for a while; answers until when. */
  startOutage(seconds: number): string {
    this.outageUntil = this.cloud.now() + seconds * 1000;
    return new Date(this.outageUntil).toISOString();
  }

  endOutage(): void {
    this.outageUntil = 0;
  }

  /** Forgets every token, as a Keystone with new fernet keys does. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const text = await readBody(req);
    if (this.cloud.now() < this.outageUntil) {
      res.writeHead(503, { 'Content-Type': 'text/html', 'Cache-Control': 'no-cache', Connection: 'close' }).end(OUTAGE_PAGE);
      return;
    }
    let body: unknown;
    if (text.trim()) {
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, badRequest('Malformed request body'));
      }
    }
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (path.startsWith('/identity/v3')) return send(res, this.keystone(method, path.slice('/identity/v3'.length), body));
    if (path === '/compute') {
      const v21 = novaVersion(`${this.root}/compute`, `2.${this.maxCompute}`);
      const v20 = {
        id: 'v2.0',
        status: 'SUPPORTED',
        version: '',
        min_version: '',
        updated: '2011-01-21T11:33:21Z',
        links: [{ rel: 'self', href: `${this.root}/compute/v2/` }],
      };
      return send(
        res,
        ok({
          versions: [v20, { id: v21.id, status: v21.status, version: v21.version, min_version: v21.min_version, updated: v21.updated, links: [v21.links[0]] }],
        }),
      );
    }
    if (path === '/compute/v2.1' && method === 'GET') return send(res, ok({ version: novaVersion(`${this.root}/compute`, `2.${this.maxCompute}`) }));
    if (path === '/volume') return send(res, ok({ versions: [cinderVersion(`${this.root}/volume`, `3.${this.maxVolume}`)] }, 300));

    const token = this.tokens.get(String(req.headers['x-auth-token'] ?? ''));
    if (!token || token.expiresAt <= Date.now() || !token.scoped) {
      return send(res, { status: 401, body: UNAUTHORIZED }, { 'WWW-Authenticate': `Keystone uri="${this.root}/identity/v3"` });
    }
    const compute = /^\/compute\/v2\.1(\/.*)?$/.exec(path);
    const volume = /^\/volume\/v3(?:\/([^/]+)(\/.*)?)?$/.exec(path);
    const service = compute ? 'compute' : volume ? 'volume' : null;
    if (!service) return send(res, notFound());
    const mv = microversion(req.headers, service, service === 'compute' ? this.maxCompute : this.maxVolume);
    const headers: Record<string, string> = { 'x-openstack-request-id': requestId() };
    if (typeof mv !== 'number') return send(res, mv, headers);
    headers['OpenStack-API-Version'] = `${service} ${service === 'compute' ? 2 : 3}.${mv}`;
    headers.Vary = 'OpenStack-API-Version';
    if (service === 'compute') {
      headers['X-OpenStack-Nova-API-Version'] = `2.${mv}`;
      headers.Vary = 'OpenStack-API-Version, X-OpenStack-Nova-API-Version';
      headers['x-compute-request-id'] = headers['x-openstack-request-id']!;
    }
    if (volume && !volume[1])
      return send(res, method === 'GET' ? ok({ versions: [cinderVersion(`${this.root}/volume`, `3.${this.maxVolume}`)] }) : notFound(), headers);
    if (volume && volume[1] !== this.cloud.projectId) return send(res, badRequest('Malformed request url'), headers);
    const rest = (compute ? compute[1] : volume![2]) ?? '';
    const ctx: RenderContext = { v: mv, admin: token.user.admin, base: `${this.root}/${service}`, projectId: this.cloud.projectId };
    this.cloud.tick();
    const r: SimRequest = {
      method,
      parts: rest.split('/').filter(Boolean).map(decodeURIComponent),
      query: url.searchParams,
      body,
      ctx,
      userId: token.user.id,
      cloud: this.cloud,
    };
    return send(res, service === 'compute' ? nova(r) : cinder(r), headers);
  }

  private keystone(method: string, path: string, body: unknown): Reply {
    if (path === '' && method === 'GET')
      return ok({ version: { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z', links: [{ rel: 'self', href: `${this.root}/identity/v3/` }] } });
    if (path !== '/auth/tokens' || method !== 'POST') return notFound();
    const auth = isObject(body) && isObject(body.auth) ? body.auth : null;
    const identity = auth && isObject(auth.identity) ? auth.identity : null;
    if (!identity || !Array.isArray(identity.methods)) {
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message:
              'Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
            title: 'Bad Request',
          },
        },
      };
    }
    const get = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((x, k) => (isObject(x) ? x[k] : undefined), o);
    const isDefault = (d: unknown) => get(d, 'name') === 'Default' || get(d, 'id') === 'default';
    let user: User | undefined;
    let appCred = false;
    if (identity.methods.includes('password')) {
      const u = get(identity, 'password', 'user');
      user = this.users.find((x) => (get(u, 'id') === x.id || (get(u, 'name') === x.name && isDefault(get(u, 'domain')))) && get(u, 'password') === x.password);
    } else if (identity.methods.includes('application_credential')) {
      const c = this.o.appCredential;
      const given = get(identity, 'application_credential');
      if (c && get(given, 'id') === c.id && get(given, 'secret') === c.secret) user = this.users[0];
      appCred = true;
    }
    if (!user) return { status: 401, body: UNAUTHORIZED };
    const project = get(auth, 'scope', 'project');
    const scoped = appCred || project !== undefined;
    if (
      project !== undefined &&
      !(get(project, 'id') === this.cloud.projectId || (get(project, 'name') === this.o.project && isDefault(get(project, 'domain'))))
    ) {
      return { status: 401, body: UNAUTHORIZED };
    }
    const token = `gAAAAA${randomBytes(90).toString('base64url')}`;
    const issued = Date.now();
    for (const [t, x] of this.tokens) if (x.expiresAt <= issued) this.tokens.delete(t);
    this.tokens.set(token, { user, expiresAt: issued + TOKEN_MS, scoped });
    return { status: 201, body: { token: this.tokenBody(user, issued, scoped, appCred) }, headers: { 'X-Subject-Token': token } };
  }

  private tokenBody(user: User, issued: number, scoped: boolean, appCred: boolean): Record<string, unknown> {
    const domain = { id: 'default', name: 'Default' };
    const roles = [{ id: ROLES.reader, name: 'reader' }, { id: ROLES.member, name: 'member' }, ...(user.admin ? [{ id: ROLES.admin, name: 'admin' }] : [])];
    let n = 0;
    const entry = (type: string, name: string, url: string) => ({
      endpoints: ['public', 'internal', 'admin'].map((iface) => ({
        id: this.endpointIds[n++ % 12],
        interface: iface,
        region_id: 'RegionOne',
        url,
        region: 'RegionOne',
      })),
      id: hex32(),
      type,
      name,
    });
    const volumeUrl = `${this.root}/volume/v3/${this.cloud.projectId}`;
    const token: Record<string, unknown> = {
      methods: [appCred ? 'application_credential' : 'password'],
      user: { domain, id: user.id, name: user.name, password_expires_at: null },
      audit_ids: [randomBytes(16).toString('base64url').slice(0, 22)],
      expires_at: keystoneTime(issued + TOKEN_MS),
      issued_at: keystoneTime(issued),
    };
    if (scoped) {
      Object.assign(token, {
        project: { domain, id: this.cloud.projectId, name: this.o.project },
        is_domain: false,
        roles,
        catalog: [
          entry('block-storage', 'cinder', volumeUrl),
          entry('identity', 'keystone', `${this.root}/identity/v3/`),
          entry('volumev3', 'cinderv3', volumeUrl),
          entry('compute', 'nova', `${this.root}/compute/v2.1`),
        ],
      });
    }
    if (appCred) token.application_credential = { id: this.o.appCredential?.id, name: 'phaseboard', restricted: true };
    return token;
  }
}

/**
 * The microversion of a request: `OpenStack-API-Version: compute 2.80`
 * (Nova also reads X-OpenStack-Nova-API-Version), "latest" for the newest,
 * the minimum when none is sent; 406 outside what the service offers.
 */
function microversion(headers: http.IncomingHttpHeaders, service: 'compute' | 'volume', max: number): number | Reply {
  const major = service === 'compute' ? 2 : 3;
  const min = service === 'compute' ? 1 : 0;
  const entries = String(headers['openstack-api-version'] ?? '')
    .split(',')
    .map((x) => x.trim().split(/\s+/));
  let value = entries.find(([s]) => s === service)?.[1];
  if (value === undefined && service === 'compute') value = headers['x-openstack-nova-api-version'] as string | undefined;
  if (value === undefined || value === '') return min;
  if (value === 'latest') return max;
  const m = /^(\d+)\.(\d+)$/.exec(value);
  if (!m) return badRequest(`API Version String ${value} is of invalid format. Must be of format MajorNum.MinorNum.`);
  if (Number(m[1]) !== major || Number(m[2]) < min || Number(m[2]) > max) {
    return faultReply({
      status: 406,
      name: 'computeFault',
      message: `Version ${value} is not supported by the API. Minimum is ${major}.${min} and maximum is ${major}.${max}.`,
    });
  }
  return Number(m[2]);
}

function send(res: http.ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  const all = { ...headers, ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, { ...all, 'Content-Length': '0' }).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...all, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
