import { afterAll, beforeAll } from 'vitest';
import { logger } from '@/lib/log/logger';
import { CloudHands, realOpenStack } from '@/lib/testing/real-openstack';
import { describeAdapterContract } from '../contract.suite';
import { createOpenStackAdapter } from './adapter';
import { openstackEngine } from './index';

/** One server for every case of the suite: booting one costs seconds, and each case waits until it is idle again. */
let shared: Promise<{ hands: CloudHands; server: string; env: Record<string, string> }> | null = null;
function cloud() {
  shared ??= (async () => {
    const env = realOpenStack();
    const hands = new CloudHands(env);
    const server = (await hands.server(`pb-contract-${process.pid}`)).id;
    return { hands, server, env };
  })();
  return shared;
}

// booted before the suite, with time to spare: each case's own setup must stay within the hook timeout
beforeAll(async () => void (await cloud()), 120_000);
afterAll(async () => {
  if (shared) await (await shared).hands.deleteServer((await shared).server);
});

/** The shared adapter contract, run by the OpenStack adapter against the real Nova of scripts/openstack/up.sh. */
describeAdapterContract(
  'OpenStack on a real Nova',
  async () => {
    const { hands, server, env } = await cloud();
    const idle = () =>
      hands.until('the server to be idle', async () => {
        const s = await hands.serverNow(server);
        return s.status === 'ACTIVE' && !s['OS-EXT-STS:task_state'] ? (s['OS-EXT-SRV-ATTR:host'] as string) : undefined;
      });
    /** starts a move with the test's own hands and answers its native id once Nova has a record */
    const move = async (body: Record<string, unknown>, seconds = 4) => {
      await idle();
      hands.liveMigrationSeconds(server, seconds);
      return `migration:${(await hands.move(server, body)).id}`;
    };
    const live = (seconds?: number) => move({ 'os-migrateLive': { host: null, block_migration: 'auto' } }, seconds);
    const adapter = createOpenStackAdapter({
      insecure: true,
      authUrl: env.KEYSTONE_URL!,
      auth: {
        type: 'password',
        username: env.ADMIN_USER!,
        password: env.ADMIN_PASSWORD!,
        userDomain: env.OS_DOMAIN!,
        project: env.OS_PROJECT!,
        projectDomain: env.OS_DOMAIN!,
      },
      log: logger,
    });
    return {
      adapter,
      module: openstackEngine,
      startOperation: () => live(),
      advance: (ms) => new Promise((r) => setTimeout(r, ms)),
      actions: [
        { action: 'force_complete', start: () => live(120), endsIn: 'succeeded' },
        { action: 'abort', start: () => live(120), endsIn: 'cancelled' },
        { action: 'confirm', start: () => move({ migrate: null }), endsIn: 'succeeded' },
        { action: 'revert', start: () => move({ resize: { flavorRef: env.FLAVOR_SMALL } }), endsIn: 'cancelled' },
      ],
      // a migration that has completed: Nova refuses to force-complete it, in its own words
      async refusal() {
        const id = await live(1);
        await hands.until('the migration to complete', async () => (await hands.newestMigration(server))?.status === 'completed');
        return { nativeId: id, action: 'force_complete' };
      },
      // the next case waits for the server to be idle before it starts anything
      close: () => adapter.close(),
    };
  },
  { stepMs: 500, timeoutMs: 90_000, testTimeoutMs: 240_000 },
);
