import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { ConnectionPoller } from '@/lib/collector/poller';
import { isAppError } from '@/lib/errors/app-error';
import { logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import { CloudHands, realOpenStack, type RealOpenStackEnv } from '@/lib/testing/real-openstack';
import { tempDir } from '@/lib/testing/temp-dir';
import { createOpenStackAdapter, type OpenStackAdapter } from './adapter';

/**
 * The OpenStack adapter against a real Zed control plane (scripts/openstack/up.sh):
 * live migrations watched phase by phase, force-complete, abort, a disabled
 * destination, cold migration + confirm, resize + revert, the cloud's own
 * refusals, and an older microversion.
 */
describe('OpenStack adapter against a real Nova', { timeout: 180_000 }, () => {
  let env: RealOpenStackEnv;
  let hands: CloudHands;
  let adapter: OpenStackAdapter;
  let store: Store;
  let poller: ConnectionPoller;
  let server: { id: string; host: string };

  const adminAuth = (e: RealOpenStackEnv) => ({
    type: 'password' as const,
    username: e.ADMIN_USER!,
    password: e.ADMIN_PASSWORD!,
    userDomain: e.OS_DOMAIN!,
    project: e.OS_PROJECT!,
    projectDomain: e.OS_DOMAIN!,
  });

  beforeAll(async () => {
    env = realOpenStack();
    hands = new CloudHands(env);
    adapter = createOpenStackAdapter({ insecure: true, authUrl: env.KEYSTONE_URL!, auth: adminAuth(env), region: env.OS_REGION, log: logger });
    store = openSqliteStore(tempDir());
    poller = new ConnectionPoller({
      connectionId: 'real',
      engine: 'openstack',
      adapter,
      store,
      bus: createMemoryBus(),
      log: logger,
      fastMs: 500,
      slowMs: 10_000,
    });
    server = await hands.server(`pb-real-${process.pid}`);
  }, 120_000);
  afterAll(async () => {
    if (server) await hands.deleteServer(server.id).catch(() => undefined);
    await adapter?.close();
    await store?.close();
  });

  /** Polls (as the collector does) until the check passes; answers the stored operation. */
  async function until(check: (ops: Operation[]) => Operation | undefined, what: string, timeoutMs = 60_000): Promise<Operation> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await poller.pollOnce();
      const hit = check((await store.listOperations({ limit: 200, offset: 0 })).items);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what} (connection ${poller.status.status}: ${poller.status.lastError ?? ''})`);
  }
  const migrationOf = (id: number) => (ops: Operation[]) => ops.find((o) => o.nativeId === `migration:${id}`);
  const phases = async (op: Operation) =>
    (await store.timeline(op.id)).flatMap((e) => (e.entry.type === 'observed' ? [e.entry.nativePhase] : e.entry.type === 'phase' ? [e.entry.to] : []));
  const act = (op: Operation, action: string) =>
    adapter.performAction(op, { action, params: {}, correlationId: crypto.randomUUID(), log: () => {}, history: () => poller.history(op.id) });

  /** Starts a live migration to the other host and answers its record once Nova has one. */
  async function liveMigration(seconds: number, host: string | null = hands.otherHost(server.host)) {
    hands.liveMigrationSeconds(server.id, seconds);
    return hands.liveMigrate(server.id, host);
  }
  async function settle() {
    server = await hands.until('the server to be idle', async () => {
      const s = await hands.serverNow(server.id);
      return s.status === 'ACTIVE' && !s['OS-EXT-STS:task_state'] ? { id: server.id, host: s['OS-EXT-SRV-ATTR:host'] as string } : undefined;
    });
  }

  it('follows a live migration phase by phase, with memory progress, to completed on the other host', async () => {
    const from = server.host;
    const m = await liveMigration(12);
    const running = await until((ops) => {
      const op = migrationOf(m.id)(ops);
      return op?.nativePhase === 'running' && (op.progress?.done ?? 0) > 0 ? op : undefined;
    }, 'the migration to run with memory progress');
    expect(running).toMatchObject({ kind: 'live_migration', state: 'running', subject: { type: 'instance', id: server.id, name: `pb-real-${process.pid}` } });
    expect(running.progress).toMatchObject({ unit: 'bytes' });
    expect(running.progress!.total).toBeGreaterThan(running.progress!.done);
    expect(running.details).toMatchObject({ sourceHost: from, destinationHost: hands.otherHost(from) });
    // the root volume's attachment, and the second one Cinder makes for the destination, are the migration's
    expect(running.related.map((r) => r.role)).toEqual([
      'source host',
      'destination host',
      expect.stringMatching(/attachment$/),
      expect.stringMatching(/attachment$/),
    ]);
    expect(running.related.filter((r) => r.role === 'destination attachment')).toHaveLength(1);
    expect(running.actions.find((a) => a.name === 'force_complete')?.enabled).toBe(true);
    const ended = await until((ops) => {
      const op = migrationOf(m.id)(ops);
      return op?.state === 'succeeded' ? op : undefined;
    }, 'the migration to complete');
    expect(ended.nativePhase).toBe('completed');
    // phases in Nova's order, each once; `accepted` counts as in progress (seed 002)
    const seen = await phases(ended);
    expect(seen.at(-1)).toBe('completed');
    expect(seen).toContain('running');
    expect(new Set(seen).size).toBe(seen.length);
    await settle();
    expect(server.host).toBe(hands.otherHost(from));
  });

  it('force-completes a running live migration and aborts another; each ends as Nova records it', async () => {
    const m1 = await liveMigration(120);
    const running = await until((ops) => {
      const op = migrationOf(m1.id)(ops);
      return op?.nativePhase === 'running' ? op : undefined;
    }, 'the migration to run');
    expect((await act(running, 'force_complete')).ok).toBe(true);
    expect(
      (await until((ops) => (migrationOf(m1.id)(ops)?.state === 'succeeded' ? migrationOf(m1.id)(ops) : undefined), 'force-complete to finish it')).nativePhase,
    ).toBe('completed');
    await settle();

    const m2 = await liveMigration(120);
    const again = await until((ops) => (migrationOf(m2.id)(ops)?.nativePhase === 'running' ? migrationOf(m2.id)(ops) : undefined), 'the second to run');
    const host = server.host;
    expect((await act(again, 'abort')).ok).toBe(true);
    const aborted = await until((ops) => (migrationOf(m2.id)(ops)?.state === 'cancelled' ? migrationOf(m2.id)(ops) : undefined), 'the abort');
    expect(aborted.nativePhase).toBe('cancelled');
    expect(aborted.actions.every((a) => !a.enabled)).toBe(true);
    await settle();
    expect(server.host).toBe(host);
  });

  it('keeps Nova’s own words when it refuses an action', async () => {
    const done = (await store.listOperations({ limit: 200, offset: 0 })).items.find((o) => o.kind === 'live_migration' && o.state === 'succeeded');
    expect(done).toBeDefined();
    const refused = await act(done!, 'force_complete').catch((e: unknown) => e);
    expect(isAppError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/invalid state for 'force_complete'|Cannot|not in a state/);
  });

  it('shows why a live migration to a disabled destination ended in error (Nova’s instance action)', async () => {
    // Nova accepts it and its conductor fails it: no valid host
    const m = await hands.liveMigrateToDisabled(server.id, hands.otherHost(server.host));
    const failed = await until((ops) => (migrationOf(m.id)(ops)?.state === 'failed' ? migrationOf(m.id)(ops) : undefined), 'the migration to fail');
    expect(failed.nativePhase).toBe('error');
    expect(String(failed.details.failure)).toMatch(/No valid host was found/);
    await settle();
  });

  it('cold-migrates and waits for confirm, then confirms; resizes and reverts', async () => {
    const from = server.host;
    await hands.move(server.id, { migrate: null });
    const cold = await until(
      (ops) => ops.find((o) => o.kind === 'cold_migration' && o.subject.id === server.id && o.nativePhase === 'finished'),
      'the cold migration to wait for confirm',
    );
    expect(cold.state).toBe('ready');
    expect(cold.needsYou).toMatchObject({ action: 'confirm' });
    expect(cold.pipeline.find((s) => s.key === 'confirm')).toMatchObject({ status: 'current', note: 'waits for you' });
    expect((await act(cold, 'confirm')).ok).toBe(true);
    const confirmed = await until(
      (ops) => (ops.find((o) => o.id === cold.id)?.state === 'succeeded' ? ops.find((o) => o.id === cold.id) : undefined),
      'confirmed',
    );
    expect(confirmed.nativePhase).toBe('confirmed');
    await settle();
    expect(server.host).not.toBe(from);

    const before = server.host;
    await hands.move(server.id, { resize: { flavorRef: env.FLAVOR_SMALL } });
    const resize = await until(
      (ops) => ops.find((o) => o.kind === 'resize' && o.subject.id === server.id && o.nativePhase === 'finished'),
      'the resize to wait',
    );
    expect(resize.details).toMatchObject({ oldFlavorId: Number(env.FLAVOR_TINY), newFlavorId: Number(env.FLAVOR_SMALL) });
    expect((await act(resize, 'revert')).ok).toBe(true);
    const reverted = await until(
      (ops) => (ops.find((o) => o.id === resize.id)?.nativePhase === 'reverted' ? ops.find((o) => o.id === resize.id) : undefined),
      'reverted',
    );
    expect(reverted.state).toBe('cancelled');
    await settle();
    expect(server.host).toBe(before);
  });

  it('starts a migration from phaseboard (scheduler’s choice), and refuses a host the cloud does not have', async () => {
    const inv = await adapter.inventory();
    expect(inv.instances.map((i) => i.id)).toContain(server.id);
    expect(inv.hosts.map((h) => h.name).sort()).toEqual([env.COMPUTE_HOST_1, env.COMPUTE_HOST_2]);
    await expect(adapter.start!('live_migration', { instance: server.id, host: 'elsewhere' }, () => {})).rejects.toThrow(/host: no compute host "elsewhere"/);
    await expect(adapter.start!('live_migration', { instance: server.id, host: 'x; rm -rf /' }, () => {})).rejects.toThrow(/host/);
    const from = server.host;
    const before = (await hands.newestMigration(server.id))?.id ?? 0;
    hands.liveMigrationSeconds(server.id, 3);
    const lines: string[] = [];
    // phaseboard's own start, taking its turn with the other test files' moves
    const r = await hands.scheduling(async () => {
      const started = await adapter.start!('live_migration', { instance: server.id, host: null }, (l) => lines.push(l));
      await hands.until('the move to be scheduled', async () => {
        const m = await hands.newestMigration(server.id);
        return m && m.id > before && m.status !== 'accepted';
      });
      return started;
    });
    expect(r.message).toMatch(/scheduler's choice accepted by Nova/);
    expect(lines).toEqual([`POST compute /servers/${server.id}/action {"os-migrateLive":{"host":null,"block_migration":"auto"}}`]);
    await until(
      (ops) => ops.find((o) => o.kind === 'live_migration' && Number(o.details.migrationId) > before && o.state === 'succeeded'),
      'the started migration to complete',
    );
    await settle();
    expect(server.host).toBe(hands.otherHost(from));
  });

  it('degrades on an older microversion instead of breaking', async () => {
    const old = createOpenStackAdapter({ insecure: true, authUrl: env.KEYSTONE_URL!, auth: adminAuth(env), log: logger, cap: { compute: '2.22' } });
    const listed = await old.listOperations({ known: [] });
    expect(listed.length).toBeGreaterThan(0);
    // no changes-since below 2.59: the idle watch says so and the slow poll goes on
    await expect(old.changedSince!(null)).rejects.toThrow(/2\.59/);
    const m = await liveMigration(30);
    const seen = await hands.until('the old adapter to see it running', async () =>
      (await old.listOperations({ known: [] })).find((s) => s.nativeId === `migration:${m.id}` && s.nativePhase === 'running'),
    );
    // no per-server migration detail below 2.23: no bytes, and abort (2.24) is named as too new
    expect(seen.progress).toBeNull();
    const abort = old.describeActions({ ...seen, gone: false, progress: null }).find((a) => a.name === 'abort');
    expect(abort).toMatchObject({ enabled: false });
    expect(abort?.reason).toMatch(/goes up to 2\.22/);
    const current = await until(migrationOf(m.id), 'the current adapter to list it');
    await act(current, 'force_complete');
    await until((ops) => (migrationOf(m.id)(ops)?.state === 'succeeded' ? migrationOf(m.id)(ops) : undefined), 'completion');
    await settle();
  });

  it('authenticates with an application credential, and tells a member why migrations are out of reach', async () => {
    const app = createOpenStackAdapter({
      insecure: true,
      authUrl: env.KEYSTONE_URL!,
      auth: { type: 'application_credential', id: env.APP_CRED_ID!, secret: env.APP_CRED_SECRET! },
      log: logger,
    });
    expect((await app.listOperations({ known: [] })).length).toBeGreaterThan(0);
    const member = createOpenStackAdapter({
      insecure: true,
      authUrl: env.KEYSTONE_URL!,
      auth: { ...adminAuth(env), username: env.MEMBER_USER!, password: env.MEMBER_PASSWORD! },
      log: logger,
    });
    // a member sees no migrations (os-migrations is admin-only), only its project's volumes and tasks
    expect((await member.listOperations({ known: [] })).filter((s) => s.nativeId.startsWith('migration:'))).toEqual([]);
    const op = (await store.listOperations({ limit: 200, offset: 0 })).items.find((o) => o.kind === 'live_migration')!;
    const abort = member.describeActions({ ...op, nativePhase: 'running', state: 'running' }).find((a) => a.name === 'abort');
    expect(abort).toMatchObject({ enabled: false });
    expect(abort?.reason).toMatch(/admin role/);
  });
});
