import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { fromZodError } from '@/lib/errors/zod-error';
import { SSO_SCOPE } from '../constants';
import { SIM_USER, SimOvirtEngine } from './engine';
import { startMix } from './mix';
import { API_PREFIX, fault, renderDisk, renderEvent, renderTransfer } from './render';
import { SCENARIOS } from './scenarios';
import type { SimAction } from './transfer-machine';
import { readBody } from '../../sim-http';

export interface SimServerOptions {
  host?: string;
  /** 0 picks a free port */
  port?: number;
  username: string;
  password: string;
  engine?: SimOvirtEngine;
  /** serve HTTPS with this key and certificate (PEM), as a real engine does */
  tls?: { key: string; cert: string };
}

export interface SimStats {
  requests: number;
  byRoute: Record<string, number>;
  since: number;
}

const ACTIONS = new Set<SimAction>(['finalize', 'cancel', 'pause', 'resume']);

/**
 * A loopback HTTP server speaking the oVirt REST subset phaseboard uses
 * (SSO token, API root, image transfers and their actions, disks, the audit
 * log's events), plus a /sim control API for scenarios and request counts.
 */
export class OvirtSimServer {
  readonly engine: SimOvirtEngine;
  readonly stats: SimStats = { requests: 0, byRoute: {}, since: Date.now() };
  private readonly tokens = new Set<string>();
  private server: http.Server | https.Server | null = null;
  private mix = { active: 0, speed: 1, stop: () => {} };
  /** until then the engine answers 503, as one restarting would */
  private outageUntil = 0;
  /** every API answer waits this long, as a loaded engine's does */
  private latencyMs = 0;

  constructor(private readonly options: SimServerOptions) {
    this.engine = options.engine ?? new SimOvirtEngine();
  }

  async start(): Promise<string> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.handle(req, res).catch((e: unknown) => send(res, 500, fault(String(e))));
    };
    const tls = this.options.tls;
    const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return `${tls ? 'https' : 'http'}://${this.options.host ?? '127.0.0.1'}:${port}/ovirt-engine`;
  }

  async stop(): Promise<void> {
    this.setMix(0);
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps `active` transfers in flight from the weighted scenario mix (0 stops it). */
  setMix(active: number, speed = 1): void {
    this.mix.stop();
    this.mix = { active, speed, stop: active > 0 ? startMix(this.engine, { active, speed }) : () => {} };
  }

  /** Answers 503 to API calls for a while, as an engine restarting does; answers until when. */
  startOutage(seconds: number): string {
    this.outageUntil = this.engine.now() + seconds * 1000;
    return new Date(this.outageUntil).toISOString();
  }

  /** The engine answers again (an outage ends before its time). */
  endOutage(): void {
    this.outageUntil = 0;
  }

  /** Every API answer waits this long from now on (0: none), as a loaded engine's does. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Forgets every issued token, as an engine restart does. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private count(route: string) {
    this.stats.requests += 1;
    this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const body = await readBody(req);

    if (path.startsWith('/sim/')) return this.handleControl(req.method ?? 'GET', path, body, res);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.engine.now() < this.outageUntil) {
      this.count('outage');
      return send(res, 503, fault('Service Unavailable: the engine is restarting (simulated outage)'));
    }

    if (req.method === 'POST' && path === '/ovirt-engine/sso/oauth/token') {
      this.count('sso');
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'password' || form.get('scope') !== SSO_SCOPE) {
        return send(res, 400, { error_code: 'invalid_request', error: 'grant_type=password and scope=ovirt-app-api are required' });
      }
      if (form.get('username') !== this.options.username || form.get('password') !== this.options.password) {
        return send(res, 400, { error_code: 'access_denied', error: 'Cannot authenticate user: invalid username or password.' });
      }
      const token = randomBytes(24).toString('base64url');
      this.tokens.add(token);
      // Every SSO login is an audit-log entry (USER_VDC_LOGIN) on a real engine.
      this.engine.audit(30, 'normal', `User ${SIM_USER} connecting from '127.0.0.1' using session '${randomBytes(9).toString('base64url')}' logged in.`);
      return send(res, 200, { access_token: token, scope: SSO_SCOPE, exp: String(Date.now() + 3_600_000), token_type: 'Bearer' });
    }

    if (!path.startsWith(API_PREFIX)) return send(res, 404, fault(`no such path ${path}`));
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !this.tokens.has(auth.slice(7))) {
      this.count('unauthorized');
      return send(res, 401, fault('Authentication required'));
    }
    const rest = path.slice(API_PREFIX.length);
    const follow = url.searchParams.get('follow') === 'disk';
    const e = this.engine;

    if (req.method === 'GET' && (rest === '' || rest === '/')) {
      this.count('GET /api');
      return send(res, 200, { product_info: { name: 'oVirt Engine (phaseboard simulator)', version: { major: '4', minor: '5', build: '5', revision: '0' } } });
    }
    if (req.method === 'GET' && rest === '/imagetransfers') {
      this.count('GET /imagetransfers');
      const list = e.listTransfers().map((t) => renderTransfer(t, e.disks.get(t.diskId), follow));
      return send(res, 200, list.length > 0 ? { image_transfer: list } : {});
    }
    if (req.method === 'GET' && rest === '/events') {
      this.count('GET /events');
      const from = url.searchParams.get('from');
      const max = url.searchParams.get('max');
      for (const [name, value] of [
        ['from', from],
        ['max', max],
      ] as const) {
        if (value !== null && !/^-?\d+$/.test(value)) return send(res, 400, fault(`Invalid value '${value}' for parameter '${name}': it should be an integer`));
      }
      const list = e.listEvents(from === null ? null : Number(from), max === null ? null : Number(max)).map(renderEvent);
      return send(res, 200, list.length > 0 ? { event: list } : {});
    }
    const one = /^\/imagetransfers\/([^/]+)(?:\/([a-z]+))?$/.exec(rest);
    if (one) {
      const [, id = '', action] = one;
      if (req.method === 'GET' && !action) {
        this.count('GET /imagetransfers/{id}');
        const t = e.getTransfer(id);
        if (!t) return send(res, 404, fault(`Entity not found: ${id}`));
        return send(res, 200, renderTransfer(t, e.disks.get(t.diskId), follow));
      }
      if (req.method === 'POST' && action && ACTIONS.has(action as SimAction)) {
        this.count(`POST /imagetransfers/{id}/${action}`);
        const refusal = e.act(id, action as SimAction);
        if (refusal === undefined) return send(res, 404, fault(`Entity not found: ${id}`));
        if (refusal !== null) return send(res, 409, fault(refusal));
        return send(res, 200, { status: 'complete' });
      }
    }
    const disk = /^\/disks\/([^/]+)$/.exec(rest);
    if (req.method === 'GET' && disk) {
      this.count('GET /disks/{id}');
      const d = e.disks.get(disk[1] ?? '');
      if (!d) return send(res, 404, fault(`Entity not found: ${disk[1]}`));
      return send(res, 200, renderDisk(d));
    }
    return send(res, 404, fault(`no such resource ${req.method} ${rest}`));
  }

  private handleControl(method: string, path: string, body: string, res: http.ServerResponse) {
    if (method === 'GET' && path === '/sim/scenarios') return send(res, 200, { scenarios: SCENARIOS });
    const start = /^\/sim\/scenarios\/([^/]+)\/start$/.exec(path);
    if (method === 'POST' && start) {
      const opts = parseBody(StartBody, body);
      if (typeof opts === 'string') return send(res, 400, { error: opts });
      try {
        const t = this.engine.startScenario(start[1] ?? '', opts);
        return send(res, 201, { transferId: t.id, diskId: t.diskId });
      } catch (err) {
        return send(res, 404, { error: (err as Error).message });
      }
    }
    if (method === 'GET' && path === '/sim/transfers') {
      const list = [...this.engine.transfers.values()].map((t) => ({ id: t.id, scenario: t.scenario.id, phase: t.phase, history: t.history }));
      return send(res, 200, { transfers: list });
    }
    if (method === 'GET' && path === '/sim/stats') return send(res, 200, this.stats);
    if (path === '/sim/mix') {
      if (method === 'POST') {
        const parsed = parseBody(MixBody, body);
        if (typeof parsed === 'string') return send(res, 400, { error: parsed });
        this.setMix(parsed.active, parsed.speed);
      }
      return send(res, 200, { active: this.mix.active, speed: this.mix.speed });
    }
    const unlock = /^\/sim\/disks\/([^/]+)\/unlock$/.exec(path);
    if (method === 'POST' && unlock) {
      // What unlock_entity.sh does on a real engine.
      const disk = this.engine.disks.get(unlock[1] ?? '');
      if (!disk) return send(res, 404, { error: `no disk ${unlock[1]}` });
      disk.status = 'ok';
      return send(res, 200, { id: disk.id, status: disk.status });
    }
    const diskPath = /^\/sim\/disks\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && diskPath) {
      // Someone removed the disk behind phaseboard's back.
      if (!this.engine.disks.has(diskPath[1] ?? '')) return send(res, 404, { error: `no disk ${diskPath[1]}` });
      this.engine.removeDisk(diskPath[1] ?? '');
      return send(res, 204, null);
    }
    const release = /^\/sim\/transfers\/([^/]+)\/release$/.exec(path);
    if (method === 'POST' && release) {
      // The engine-side fix for a stuck finalize (a cleared task): the engine completes it.
      const t = this.engine.transfers.get(release[1] ?? '');
      if (!t) return send(res, 404, { error: `no transfer ${release[1]}` });
      if (!t.release(this.engine.now())) return send(res, 409, { error: `transfer ${t.id} is ${t.phase}, not stuck finalizing` });
      return send(res, 200, { id: t.id, phase: t.phase });
    }
    if (method === 'POST' && path === '/sim/outage') {
      const parsed = parseBody(OutageBody, body);
      if (typeof parsed === 'string') return send(res, 400, { error: parsed });
      return send(res, 200, { until: this.startOutage(parsed.seconds) });
    }
    if (method === 'POST' && path === '/sim/latency') {
      const parsed = parseBody(LatencyBody, body);
      if (typeof parsed === 'string') return send(res, 400, { error: parsed });
      this.setLatency(parsed.ms);
      return send(res, 200, { ms: this.latencyMs });
    }
    if (method === 'POST' && path === '/sim/tokens/revoke') {
      this.revokeTokens();
      return send(res, 204, null);
    }
    return send(res, 404, { error: `no such control path ${method} ${path}` });
  }
}

const MixBody = z.strictObject({ active: z.number().int().min(0).max(10_000), speed: z.number().gt(0).max(100).default(1) });
const OutageBody = z.strictObject({ seconds: z.number().min(0).max(3600) });
const LatencyBody = z.strictObject({ ms: z.number().int().min(0).max(60_000) });
const StartBody = z.strictObject({ speed: z.number().gt(0).max(100).optional(), finalizeBy: z.enum(['client', 'operator']).optional() });

/** Parses a control API body; a string is the error naming the bad field. */
function parseBody<T>(schema: z.ZodType<T>, body: string): T | string {
  let raw: unknown;
  try {
    raw = JSON.parse(body || '{}');
  } catch {
    return 'body is not JSON';
  }
  const r = schema.safeParse(raw);
  return r.success ? r.data : fromZodError(r.error, 'request body').message;
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  if (status === 204 || body === null) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
