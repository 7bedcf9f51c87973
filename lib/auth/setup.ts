import 'server-only';
import { randomBytes } from 'node:crypto';
import type { BlockList } from 'node:net';
import { getMigrations } from 'better-auth/db/migration';
import type { PhaseboardConfig } from '@/lib/config/load-config';
import { addressList } from '@/lib/http/guards';
import type { Logger } from '@/lib/log/logger';
import type { Store } from '@/lib/store/types';
import { createBetterAuth, type BetterAuth } from './better-auth';
import type { Role } from '@/lib/model/actor';
import { provisionAdminToken } from './tokens';
import { randomPassword, Users } from './users';

export interface AuthRuntime {
  better: BetterAuth;
  users: Users;
  /** trusted-proxy login, when configured */
  proxy: { header: string; trusted: BlockList; defaultRole: Role } | null;
  /** the login methods the login page offers */
  methods: { password: true; oidc: { label: string } | null };
}

/** How long the first start's admin link works. */
const FIRST_LINK_HOURS = 24;

/**
 * Logins: better-auth on the store's database (its tables migrated here),
 * the session secret kept in the store, the provisioning token from the
 * environment, and on a first start with no users an `admin` whose password
 * and one-time login link are printed once.
 */
export async function startAuth({ store, config, log }: { store: Store; config: PhaseboardConfig; log: Logger }): Promise<AuthRuntime> {
  const secret = process.env.PHASEBOARD_AUTH_SECRET ?? (await store.settingOrInit('auth.secret', randomBytes(32).toString('base64url')));
  const better = createBetterAuth({ database: store.authDatabase(), secret, auth: config.auth, server: config.server });
  await (await getMigrations(better.options)).runMigrations();
  const users = new Users(better);
  await provisionAdminToken(store, config.auth.adminToken);
  if ((await users.count()) === 0) await createFirstAdmin(users, config, log);
  const proxy = config.auth.proxy;
  return {
    better,
    users,
    proxy: proxy ? { header: proxy.header.toLowerCase(), trusted: addressList(proxy.trustedProxies), defaultRole: proxy.defaultRole } : null,
    methods: { password: true, oidc: config.auth.oidc ? { label: config.auth.oidc.label } : null },
  };
}

async function createFirstAdmin(users: Users, config: PhaseboardConfig, log: Logger): Promise<void> {
  const password = randomPassword();
  let admin;
  try {
    admin = await users.create({ username: 'admin', role: 'admin', password, name: 'Administrator' });
  } catch (e) {
    // Another process on the same database made it first.
    log.warn({ err: (e as Error).message }, 'first start: admin not created');
    return;
  }
  const { token } = await users.loginLink(admin.id, FIRST_LINK_HOURS * 60);
  const host = process.env.HOST && !['0.0.0.0', '::'].includes(process.env.HOST) ? process.env.HOST : '127.0.0.1';
  const base = config.server.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${process.env.PORT ?? '3000'}`;
  log.info({ user: 'admin' }, 'first start: created the admin user');
  // Printed once, to the terminal only: the log line above carries no secret.
  console.log(
    [
      '',
      '  phaseboard: first start — an admin user was created.',
      `    user:     admin`,
      `    password: ${password}`,
      `    or open this one-time login link (valid ${FIRST_LINK_HOURS} h):`,
      `    ${base}/login#link=${token}`,
      '  Change the password under Account after you log in. This is shown only once.',
      '',
    ].join('\n'),
  );
  // scripts/start.mjs, in this process, points at the lines above in its last one
  (globalThis as { __phaseboardAdminCreated?: boolean }).__phaseboardAdminCreated = true;
}
