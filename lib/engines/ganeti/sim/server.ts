import 'server-only';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { everyTick, weightedPicker } from '../../sim-mix';
import { SimCluster, NODES } from './cluster';
import { startScenario } from './scenarios';
import { readBody } from '../../sim-http';

export interface GanetiSimOptions {
  username: string;
  password: string;
  cluster: SimCluster;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** a user without the write option (its /wait and changes answer 403) */
  readOnly?: { username: string; password: string };
}

/** How long a /wait is held without a change before it answers "no change" (Ganeti: 10 s). */
export const WAIT_HOLD_MS = 10_000;

type Reply = { status: number; body: unknown };
const ok = (body: unknown): Reply => ({ status: 200, body });
/** Ganeti's error body; its http server escapes the message for HTML. */
const fault = (status: number, message: string, explain: string): Reply => ({
  status,
  body: { code: status, message: message.replace(/"/g, '&quot;').replace(/'/g, '&#x27;'), explain },
});
const notFound = (what: string) => fault(404, what, 'Nothing matches the given URI');

const MIX: [string, number][] = [
  ['live-migration', 60],
  ['failover', 15],
  ['cleanup-nothing', 10],
  ['non-live-migration', 15],
];

/**
 * A loopback server speaking the RAPI subset phaseboard uses, in the shapes
 * a Ganeti 3.0 cluster answers (fixtures/): basic auth, jobs in bulk and one
 * by one, the /wait long-poll, cancel, migrate/failover/shutdown/startup.
 */
export class GanetiSimServer {
  private server: http.Server | null = null;
  private mix = { stop: () => {} };
  private outageUntil = 0;
  constructor(private readonly o: GanetiSimOptions) {}

  get cluster(): SimCluster {
    return this.o.cluster;
  }

  async start(): Promise<string> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => send(res, fault(500, String(e), 'Internal error')));
    });
    this.server = server;
    const host = this.o.host ?? '127.0.0.1';
    await new Promise<void>((resolve) => server.listen(this.o.port ?? 0, host, resolve));
    return `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.setMix(0, 1);
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps about `active` jobs running from the weighted mix (0 stops it). */
  setMix(active: number, speed: number): void {
    this.mix.stop();
    if (active <= 0) {
      this.mix = { stop: () => {} };
      return;
    }
    const pick = weightedPicker(MIX);
    const c = this.o.cluster;
    const own = new Set<number>();
    const stop = everyTick(
      () => {
        c.tick();
        for (const id of own) if (c.jobs.get(id)?.endedAt !== null) own.delete(id);
        if (own.size < active) own.add(startScenario(c, pick(), { speed, owner: 'mix' }).id);
      },
      6000,
      speed,
    );
    this.mix = { stop };
  }

  /** RAPI stops answering (the master daemon is down) for a while; answers until when. */
  startOutage(seconds: number): string {
    this.outageUntil = this.o.cluster.now() + seconds * 1000;
    return new Date(this.outageUntil).toISOString();
  }

  endOutage(): void {
    this.outageUntil = 0;
  }

  private user(req: http.IncomingMessage): 'write' | 'read' | null {
    const m = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    if (!m) return null;
    const [name, ...rest] = Buffer.from(m[1]!, 'base64').toString().split(':');
    const password = rest.join(':');
    if (name === this.o.username && password === this.o.password) return 'write';
    if (this.o.readOnly && name === this.o.readOnly.username && password === this.o.readOnly.password) return 'read';
    return null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (this.o.cluster.now() < this.outageUntil) {
      req.socket.destroy();
      return;
    }
    const user = this.user(req);
    if (!user)
      return send(res, fault(401, 'Unauthorized', 'No permission -- see authorization schemes'), { 'WWW-Authenticate': 'Basic realm="Ganeti Remote API"' });
    let body: Record<string, unknown> = {};
    if (text.trim()) {
      try {
        const parsed: unknown = JSON.parse(text);
        body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
      } catch {
        return send(res, fault(400, 'Unable to parse JSON data', 'Bad request syntax or unsupported method'));
      }
    }
    const url = new URL(req.url ?? '/', 'http://sim');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const c = this.o.cluster;
    c.tick();
    const writes = method !== 'GET' || parts.at(-1) === 'wait';
    if (writes && user !== 'write') return send(res, fault(403, 'Forbidden', 'Request forbidden -- authorization will not help'));
    if (parts[0] !== '2') return send(res, method === 'GET' && url.pathname === '/version' ? ok(2) : notFound('Not found'));
    const [, what, id, verb] = parts;
    const bulk = url.searchParams.get('bulk') === '1';
    if (method === 'GET' && what === 'info' && !id) {
      return send(
        res,
        ok({ name: `cluster.${NODES[0]!.split('.').slice(1).join('.')}`, software_version: '3.0.2', master: NODES[0], protocol_version: 3000000 }),
      );
    }
    if (what === 'jobs') {
      if (!id && method === 'GET') {
        const jobs = [...c.jobs.values()].sort((a, b) => a.id - b.id);
        return send(res, ok(bulk ? jobs.map((j) => c.jobView(j, false)) : jobs.map((j) => ({ id: j.id, uri: `/2/jobs/${j.id}` }))));
      }
      const jobId = Number(id);
      const job = Number.isInteger(jobId) ? c.jobs.get(jobId) : undefined;
      if (method === 'DELETE' && !verb) return send(res, ok(c.cancel(jobId)));
      if (method === 'GET' && !verb) {
        if (!job)
          return send(
            res,
            ok({
              id: jobId,
              ops: null,
              status: null,
              summary: null,
              opstatus: null,
              received_ts: null,
              start_ts: null,
              end_ts: null,
              oplog: null,
              opresult: null,
            }),
          );
        return send(res, ok(c.jobView(job, true)));
      }
      if (method === 'GET' && verb === 'wait') {
        if (!Array.isArray(body.fields)) return send(res, fault(400, "Missing 'fields' parameter", 'Bad request syntax or unsupported method'));
        if (!job) return send(res, fault(500, `Job ${id} not found`, 'Internal error'));
        return send(res, ok(await this.waitOn(job.id, body.previous_job_info, body.previous_log_serial)));
      }
      return send(res, notFound('Not found'));
    }
    if (what === 'instances') {
      if (!id && method === 'GET') {
        const list = [...c.instances.values()];
        return send(res, ok(bulk ? list.map((i) => c.instanceView(i)) : list.map((i) => ({ id: i.name, uri: `/2/instances/${i.name}` }))));
      }
      const inst = c.instances.get(id ?? '');
      if (!inst) return send(res, notFound(`Instance '${id}' not known`));
      if (method === 'GET' && !verb) return send(res, ok(c.instanceView(inst)));
      if (method === 'PUT' && verb) {
        const op = opcodeOf(verb, inst.name, body);
        if ('error' in op) return send(res, fault(400, op.error, 'Bad request syntax or unsupported method'));
        return send(res, ok(c.submit(op.opcode, { speed: this.speedOf() }).id));
      }
      return send(res, notFound('Not found'));
    }
    if (what === 'nodes' && !id && method === 'GET') {
      const nodes = [...c.nodes.values()];
      return send(res, ok(bulk ? nodes.map((n) => c.nodeView(n)) : nodes.map((n) => ({ id: n.name, uri: `/2/nodes/${n.name}` }))));
    }
    return send(res, notFound('Not found'));
  }

  /** Jobs an operator submits run at the speed the simulator was started with. */
  speed = 1;
  private speedOf() {
    return this.speed;
  }

  /** Holds the answer until the job's status or a log line moves past what the caller has, or 10 s pass. */
  private async waitOn(id: number, previous: unknown, serial: unknown): Promise<unknown> {
    const c = this.o.cluster;
    const since = typeof serial === 'number' ? serial : 0;
    const deadline = Date.now() + WAIT_HOLD_MS;
    for (;;) {
      c.tick();
      const j = c.jobs.get(id)!;
      const info = [j.status, [j.status]];
      const fresh = j.log.filter((e) => e[0] > since);
      if (fresh.length || JSON.stringify(info) !== JSON.stringify(previous)) return { job_info: info, log_entries: fresh };
      if (Date.now() >= deadline || !this.server) return { job_info: info, log_entries: [] };
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The opcode a PUT asks for, checked as RAPI checks the body (cleanup in the query string is ignored, as Ganeti does). */
function opcodeOf(verb: string, instance: string, body: Record<string, unknown>): { opcode: SimJobOpcode } | { error: string } {
  const allowed: Record<string, string[]> = {
    migrate: ['mode', 'target_node', 'iallocator', 'cleanup', 'allow_failover', 'dry_run'],
    failover: ['target_node', 'iallocator', 'shutdown_timeout', 'ignore_consistency', 'dry_run'],
    shutdown: ['timeout', 'dry_run'],
    startup: ['force', 'dry_run'],
  };
  const keys = allowed[verb];
  if (!keys) return { error: `Unknown resource ${verb}` };
  const unknown = Object.keys(body).find((k) => !keys.includes(k));
  if (unknown) return { error: `Invalid body parameters: ('Parameter ${unknown} is not a valid parameter', 'wrong_input')` };
  if (body.mode !== undefined && body.mode !== 'live' && body.mode !== 'non-live') {
    return { error: "Invalid body parameters: (\"Parameter 'OP_INSTANCE_MIGRATE.mode' fails validation\", 'wrong_input')" };
  }
  if (body.cleanup !== undefined && typeof body.cleanup !== 'boolean') {
    return { error: "Invalid body parameters: (\"Parameter 'OP_INSTANCE_MIGRATE.cleanup' fails validation\", 'wrong_input')" };
  }
  const OP: Record<string, string> = {
    migrate: 'OP_INSTANCE_MIGRATE',
    failover: 'OP_INSTANCE_FAILOVER',
    shutdown: 'OP_INSTANCE_SHUTDOWN',
    startup: 'OP_INSTANCE_STARTUP',
  };
  const extra = verb === 'migrate' ? { mode: body.mode ?? 'live', cleanup: body.cleanup === true } : {};
  const target = typeof body.target_node === 'string' ? { target_node: body.target_node } : { iallocator: 'hail' };
  return { opcode: { OP_ID: OP[verb]!, instance_name: instance, ...extra, ...(verb === 'migrate' || verb === 'failover' ? target : {}) } };
}

type SimJobOpcode = Record<string, unknown> & { OP_ID: string; instance_name: string };

function send(res: http.ServerResponse, r: Reply, headers: Record<string, string> = {}): void {
  res.writeHead(r.status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(r.body));
}
