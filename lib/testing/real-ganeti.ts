import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { FINAL_JOB_STATUSES } from '@/lib/engines/ganeti/constants';
import type { Instance, Job, Node } from '@/lib/engines/ganeti/parse';
import type { RapiRequest } from '@/lib/engines/ganeti/requests';

export interface RealGaneti {
  url: string;
  user: string;
  password: string;
  roUser: string;
  roPassword: string;
  certSha256: string;
  certFile: string;
  node1: string;
  node2: string;
  dir: string;
  env: Record<string, string>;
}

/**
 * The two-node cluster scripts/ganeti/up.sh started (npm test runs it first).
 * Not there is a failure with the reason, never a skip.
 */
export function realGaneti(): RealGaneti {
  const dir = process.env.PHASEBOARD_GANETI_STATE ?? '/tmp/phaseboard-ganeti';
  const failed = path.join(dir, 'failed');
  if (fs.existsSync(failed)) throw new Error(`the real Ganeti cluster could not be brought up: ${fs.readFileSync(failed, 'utf8').trim()}`);
  const envFile = path.join(dir, 'env');
  if (!fs.existsSync(envFile)) throw new Error(`the real Ganeti cluster is not up (${envFile} missing): run scripts/ganeti/up.sh first (npm test does)`);
  const env = Object.fromEntries([...fs.readFileSync(envFile, 'utf8').matchAll(/^([A-Z_0-9]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  return {
    url: env.RAPI_URL!,
    user: env.RAPI_USER!,
    password: env.RAPI_PASSWORD!,
    roUser: env.RAPI_RO_USER!,
    roPassword: env.RAPI_RO_PASSWORD!,
    certSha256: env.RAPI_CERT_SHA256!,
    certFile: env.RAPI_CERT_FILE!,
    node1: env.NODE1!,
    node2: env.NODE2!,
    dir: env.DIR!,
    env,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The pre-hook that holds a migration or failover while a file names its instance (hooks run on the master, node1). */
const HOLD_HOOK = `#!/bin/sh
# phaseboard tests: holds the job in its pre-hooks while hold/<instance> exists (at most 60 s)
f="/etc/ganeti/hooks/hold/$GANETI_INSTANCE_NAME"
n=0
while [ -e "$f" ] && [ $n -lt 300 ]; do sleep 0.2; n=$((n + 1)); done
exit 0
`;

/**
 * RAPI as a test drives it beside phaseboard (also from the browser tests,
 * which cannot load server code): the cluster's own certificate is the only
 * one trusted; its name (ganeti.example.com) is not the address'.
 */
export class TestRapi {
  private readonly ca: Buffer;
  constructor(private readonly g: RealGaneti) {
    this.ca = fs.readFileSync(g.certFile);
  }
  private send<T>(r: RapiRequest): Promise<{ status: number; body: T }> {
    const url = new URL(`${this.g.url}${r.path}`);
    const body = r.body === undefined ? undefined : JSON.stringify(r.body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: r.method,
          ca: this.ca,
          checkServerIdentity: () => undefined,
          auth: `${this.g.user}:${this.g.password}`,
          headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {},
          timeout: 30_000,
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`RAPI ${r.method} ${r.path} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }
  private async ok<T>(r: RapiRequest): Promise<T> {
    const res = await this.send<T>(r);
    if (res.status !== 200) throw new Error(`RAPI ${r.method} ${r.path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  submit(r: RapiRequest): Promise<number> {
    return this.ok<number | string>(r).then(Number);
  }
  async job(id: number): Promise<Job | null> {
    const j = await this.ok<Job>({ method: 'GET', path: `/2/jobs/${id}` });
    return j.status === null ? null : j;
  }
  jobs(): Promise<Job[]> {
    return this.ok<Job[]>({ method: 'GET', path: '/2/jobs?bulk=1' });
  }
  async instance(name: string): Promise<Instance | null> {
    const res = await this.send<Instance>({ method: 'GET', path: `/2/instances/${encodeURIComponent(name)}` });
    return res.status === 404 ? null : res.body;
  }
  nodes(): Promise<Node[]> {
    return this.ok<Node[]>({ method: 'GET', path: '/2/nodes?bulk=1' });
  }
}

/**
 * What a test does to the real cluster beside phaseboard: instances of its
 * own (so test files do not share one), jobs held in a pre-hook, the fake
 * hypervisor's state moved to make the wrong-node state, a node daemon
 * stopped. Each instance name starts with the test's prefix.
 */
export class ClusterHands {
  readonly rapi: TestRapi;
  constructor(readonly g: RealGaneti = realGaneti()) {
    this.rapi = new TestRapi(g);
    for (const kind of ['instance-migrate-pre.d', 'instance-failover-pre.d']) {
      const d = path.join(g.env.HOOKS_DIR1!, kind);
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, '50-phaseboard-hold'), HOLD_HOOK, { mode: 0o755 });
    }
    fs.mkdirSync(this.holdDir, { recursive: true });
  }

  private get holdDir() {
    return path.join(this.g.env.HOOKS_DIR1!, 'hold');
  }
  other(node: string) {
    return node === this.g.node1 ? this.g.node2 : this.g.node1;
  }
  private hvFile(node: string, name: string) {
    return path.join(this.g.env[`FAKE_HV_STATE_DIR${node === this.g.node1 ? 1 : 2}`]!, name);
  }

  async instance(name: string): Promise<Instance> {
    const i = await this.rapi.instance(name);
    if (!i) throw new Error(`no instance ${name}`);
    return i;
  }

  /** Waits for a job to end; answers it. */
  async untilEnded(id: number, limitMs = 90_000) {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const j = await this.rapi.job(id);
      if (j && FINAL_JOB_STATUSES.has(j.status ?? '')) return j;
      if (Date.now() > deadline) throw new Error(`job ${id} did not end within ${limitMs / 1000} s (${j?.status})`);
      await sleep(200);
    }
  }

  /** Waits until the job has the status (a pre-hook holding it `running`, a second job `waiting`). */
  async untilStatus(id: number, status: string, limitMs = 30_000) {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const j = await this.rapi.job(id);
      if (j?.status === status) return j;
      if (Date.now() > deadline) throw new Error(`job ${id} did not become ${status} within ${limitMs / 1000} s (${j?.status})`);
      await sleep(100);
    }
  }

  /** A diskless instance of its own, running on `node`; made anew if a previous run left one. */
  async createInstance(name: string, node = this.g.node1): Promise<string> {
    const full = `${name}.gnt.test`;
    if (await this.rapi.instance(full)) await this.removeInstance(full);
    const r = await this.rapi.submit({
      method: 'POST',
      path: '/2/instances',
      body: {
        __version__: 1,
        mode: 'create',
        name: full,
        disk_template: 'diskless',
        disks: [],
        nics: [],
        os_type: 'noop',
        pnode: node,
        hypervisor: 'fake',
        beparams: { memory: 64 },
        name_check: false,
        ip_check: false,
      },
    });
    const j = await this.untilEnded(r);
    if (j.status !== 'success') throw new Error(`creating ${full} ended ${j.status}: ${JSON.stringify(j.opresult)}`);
    return full;
  }

  async removeInstance(name: string): Promise<void> {
    this.release(name);
    for (const n of [this.g.node1, this.g.node2]) fs.rmSync(this.hvFile(n, name), { force: true });
    const r = await this.rapi.submit({ method: 'DELETE', path: `/2/instances/${encodeURIComponent(name)}` });
    await this.untilEnded(r);
  }

  /** Migrations and failovers of the instance wait in their pre-hook until release(). */
  hold(name: string) {
    fs.writeFileSync(path.join(this.holdDir, name), '');
  }
  release(name: string) {
    fs.rmSync(path.join(this.holdDir, name), { force: true });
  }

  /** Moves the fake hypervisor's state to the other node: it runs where the config does not say (ERROR_down). */
  async wrongNode(name: string): Promise<string> {
    const i = await this.instance(name);
    const to = this.other(i.pnode);
    fs.renameSync(this.hvFile(i.pnode, name), this.hvFile(to, name));
    return to;
  }
  /** Puts the fake hypervisor's state back on the primary (the state file moved by hand): it runs where the config says again. */
  async putBack(name: string): Promise<void> {
    const i = await this.instance(name);
    const from = this.hvFile(this.other(i.pnode), name);
    if (fs.existsSync(from)) fs.renameSync(from, this.hvFile(i.pnode, name));
  }

  /** Removes the fake hypervisor's state: it runs nowhere. */
  async runningNowhere(name: string): Promise<void> {
    for (const n of [this.g.node1, this.g.node2]) fs.rmSync(this.hvFile(n, name), { force: true });
  }

  private inNode(node: string, ...cmd: string[]) {
    return execFileSync(this.g.env.IN!, [node === this.g.node1 ? '1' : '2', ...cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
  stopNoded(node: string) {
    this.inNode(node, '/usr/lib/ganeti/daemon-util', 'stop', 'ganeti-noded');
  }
  async startNoded(node: string) {
    // a pid file left by a killed noded makes daemon-util start do nothing
    const pidfile = path.join(this.g.dir, `n${node === this.g.node1 ? 1 : 2}`, 'run/ganeti/ganeti-noded.pid');
    try {
      const pid = Number(fs.readFileSync(pidfile, 'utf8').trim());
      if (!pid || !fs.existsSync(`/proc/${pid}`)) fs.rmSync(pidfile, { force: true });
    } catch {
      // no pid file
    }
    this.inNode(node, '/usr/lib/ganeti/daemon-util', 'start', 'ganeti-noded');
    for (let i = 0; i < 50; i++) {
      const n = (await this.rapi.nodes()).find((x) => x.name === node) as { mfree?: number | null } | undefined;
      if (n?.mfree != null) return;
      await sleep(200);
    }
    throw new Error(`${node}'s noded did not come back`);
  }
}
