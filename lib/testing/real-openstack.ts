import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** (Un)binds a queue from Nova's topic exchange, with the py-amqp that oslo.messaging itself uses. */
const AMQP_BIND = `
import sys, amqp
action, vhost, queue = sys.argv[1:4]
c = amqp.Connection('127.0.0.1:5672', userid='guest', password='guest', virtual_host=vhost)
c.connect()
ch = c.channel()
(ch.queue_unbind if action == 'unbind' else ch.queue_bind)(queue=queue, exchange='nova', routing_key=queue)
c.close()
`;

/** What scripts/openstack/up.sh wrote to $STATE/env. */
export type RealOpenStackEnv = Record<string, string>;

/**
 * The OpenStack control plane scripts/openstack/up.sh started (npm test runs
 * it first). Not there is a failure with the reason, never a skip.
 */
export function realOpenStack(): RealOpenStackEnv {
  const dir = process.env.PHASEBOARD_OPENSTACK_STATE ?? '/tmp/phaseboard-openstack';
  const failed = path.join(dir, 'failed');
  if (fs.existsSync(failed)) throw new Error(`real OpenStack could not be brought up: ${fs.readFileSync(failed, 'utf8').trim()}`);
  const envFile = path.join(dir, 'env');
  if (!fs.existsSync(envFile)) throw new Error(`real OpenStack is not up (${envFile} missing): run scripts/openstack/up.sh first (npm test does)`);
  return Object.fromEntries(
    fs
      .readFileSync(envFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/**
 * The test's own hands on the cloud (booting servers, starting migrations
 * the way another tool or an operator's CLI would): plain REST with an admin
 * token, independent of the adapter under test.
 */
export class CloudHands {
  private token: string | null = null;
  constructor(private readonly env: RealOpenStackEnv) {}

  /** The stack's admin, as an adapter takes it. */
  adminAuth() {
    const e = this.env;
    return {
      type: 'password' as const,
      username: e.ADMIN_USER!,
      password: e.ADMIN_PASSWORD!,
      userDomain: e.OS_DOMAIN!,
      project: e.OS_PROJECT!,
      projectDomain: e.OS_DOMAIN!,
    };
  }

  async call<T = any>(method: string, service: 'compute' | 'volume', p: string, body?: unknown, mv?: string, expect = [200, 201, 202, 204]): Promise<T> {
    const base = service === 'compute' ? this.env.COMPUTE_URL! : this.env.VOLUME_URL!;
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Auth-Token': await this.auth() };
    headers['OpenStack-API-Version'] = `${service} ${mv ?? (service === 'compute' ? '2.80' : '3.70')}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${service} ${p} answered ${res.status}: ${text.slice(0, 400)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  private async auth(): Promise<string> {
    if (this.token) return this.token;
    const res = await fetch(`${this.env.KEYSTONE_URL}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: this.env.ADMIN_USER, domain: { name: this.env.OS_DOMAIN }, password: this.env.ADMIN_PASSWORD } },
          },
          scope: { project: { name: this.env.OS_PROJECT, domain: { name: this.env.OS_DOMAIN } } },
        },
      }),
    });
    if (res.status !== 201) throw new Error(`Keystone refused the test's admin: ${res.status} ${await res.text()}`);
    this.token = res.headers.get('x-subject-token')!;
    return this.token;
  }

  /** Waits until `fn` answers something truthy. */
  async until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 90_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`real OpenStack: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async volume(name: string, o: { bootable?: boolean } = {}): Promise<string> {
    const v = await this.call<{ volume: { id: string } }>('POST', 'volume', '/volumes', { volume: { size: 1, name } });
    await this.until(`volume ${name} available`, async () => (await this.call('GET', 'volume', `/volumes/${v.volume.id}`)).volume.status === 'available');
    if (o.bootable) await this.call('POST', 'volume', `/volumes/${v.volume.id}/action`, { 'os-set_bootable': { bootable: true } });
    return v.volume.id;
  }

  /** Boots a server from a fresh volume (the stack has no Glance) and waits until it is ACTIVE. */
  async server(name: string, flavor = this.env.FLAVOR_TINY!): Promise<{ id: string; host: string }> {
    const root = await this.volume(`${name}-root`, { bootable: true });
    const s = await this.call<{ server: { id: string } }>('POST', 'compute', '/servers', {
      server: {
        name,
        flavorRef: flavor,
        networks: 'none',
        block_device_mapping_v2: [{ boot_index: 0, uuid: root, source_type: 'volume', destination_type: 'volume', delete_on_termination: true }],
      },
    });
    return this.until(`server ${name} ACTIVE`, async () => {
      const now = (await this.call('GET', 'compute', `/servers/${s.server.id}`)).server;
      if (now.status === 'ERROR') throw new Error(`server ${name} went to ERROR: ${JSON.stringify(now.fault ?? {})}`);
      return now.status === 'ACTIVE' && !now['OS-EXT-STS:task_state'] ? { id: now.id as string, host: now['OS-EXT-SRV-ATTR:host'] as string } : undefined;
    });
  }

  async serverNow(id: string): Promise<any> {
    return (await this.call('GET', 'compute', `/servers/${id}`)).server;
  }

  /** The other compute host. */
  otherHost(host: string): string {
    return host === this.env.COMPUTE_HOST_1 ? this.env.COMPUTE_HOST_2! : this.env.COMPUTE_HOST_1!;
  }

  /** How long the fake driver keeps this server's next live migration running (read when it starts; per server, so test files may run side by side). */
  liveMigrationSeconds(server: string, s: number): void {
    fs.writeFileSync(`${this.env.LIVE_MIGRATION_SECONDS_FILE!}.${server}`, `${s}\n`);
  }

  /** How long the fake driver takes to attach, detach or swap this server's volumes. */
  volumeSeconds(server: string, s: number): void {
    fs.writeFileSync(`${this.env.VOLUME_SECONDS_FILE!}.${server}`, `${s}\n`);
  }

  /**
   * Starts a move (live or cold migration, resize) and answers its record
   * once Nova's scheduler has decided (the record has left `accepted`). Test
   * files share the stack and one of them disables a host for a moment
   * (disabledDestination): moves take turns through a lock until they are
   * scheduled, so none is refused for a host another test disabled.
   */
  async move(server: string, body: Record<string, unknown>): Promise<{ id: number; status: string }> {
    return this.scheduling(async () => {
      const before = (await this.newestMigration(server))?.id ?? 0;
      await this.call('POST', 'compute', `/servers/${server}/action`, body);
      return this.until('the move to be scheduled', async () => {
        const m = await this.newestMigration(server);
        return m && m.id > before && m.status !== 'accepted' ? (m as { id: number; status: string }) : undefined;
      });
    });
  }

  async liveMigrate(server: string, host: string | null): Promise<{ id: number; status: string }> {
    return this.move(server, { 'os-migrateLive': { host, block_migration: 'auto' } });
  }

  /** A live migration to `host` while that host's compute service is disabled (re-enabled before the lock is let go). */
  async liveMigrateToDisabled(server: string, host: string): Promise<{ id: number; status: string }> {
    return this.scheduling(async () => {
      await this.setService(host, false);
      try {
        const before = (await this.newestMigration(server))?.id ?? 0;
        await this.call('POST', 'compute', `/servers/${server}/action`, { 'os-migrateLive': { host, block_migration: 'auto' } });
        return await this.until('the move to fail', async () => {
          const m = await this.newestMigration(server);
          return m && m.id > before && m.status !== 'accepted' ? (m as { id: number; status: string }) : undefined;
        });
      } finally {
        await this.setService(host, true);
      }
    });
  }

  /** Runs `fn` while no other test of this machine schedules a move (a lock directory in the stack's state). */
  async scheduling<T>(fn: () => Promise<T>): Promise<T> {
    const lock = path.join(this.env.DIR!, 'scheduling.lock');
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        fs.mkdirSync(lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        // a lock older than two minutes was left by a test that died
        if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) fs.rmSync(lock, { recursive: true, force: true });
        if (Date.now() > deadline) throw new Error('real OpenStack: another test held the scheduling lock for 2 min');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    try {
      return await fn();
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }

  /** The newest migration of an instance (os-migrations, newest first). */
  async newestMigration(server: string, type?: string): Promise<any | undefined> {
    const list = (await this.call('GET', 'compute', `/os-migrations?instance_uuid=${server}${type ? `&migration_type=${type}` : ''}`)).migrations as any[];
    return list[0];
  }

  async serviceOf(host: string): Promise<{ id: string; status: string }> {
    const s = (await this.call('GET', 'compute', `/os-services?binary=nova-compute&host=${host}`, undefined, '2.53')).services[0];
    return { id: s.id, status: s.status };
  }

  async setService(host: string, enabled: boolean): Promise<void> {
    const { id } = await this.serviceOf(host);
    await this.call('PUT', 'compute', `/os-services/${id}`, { status: enabled ? 'enabled' : 'disabled' }, '2.53');
  }

  /**
   * Seed 002's message-bus outage, for what is sent to one compute host while
   * `during` runs: its queue is unbound from Nova's exchange, so the broker
   * drops those messages, then bound again. The compute itself is untouched,
   * up and healthy, and never told. (Nova's API answers a delete after its
   * message is published, so the window is one request long; whatever else is
   * sent to that compute meanwhile is lost too, so the test using this runs
   * alone: a *.alone.test.ts file.)
   */
  async loseComputeMessages(host: string, during: () => Promise<void>): Promise<void> {
    const bind = (action: 'bind' | 'unbind') =>
      execFileSync('/usr/bin/python3', ['-c', AMQP_BIND, action, 'phaseboard-openstack', `compute.${host}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    bind('unbind');
    try {
      await during();
    } finally {
      bind('bind');
    }
  }

  async deleteServer(id: string): Promise<void> {
    await this.call('DELETE', 'compute', `/servers/${id}`, undefined, undefined, [204, 404]);
  }
}
