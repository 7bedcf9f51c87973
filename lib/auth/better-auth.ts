import 'server-only';
import { defineRequestState, hasRequestState } from '@better-auth/core/context';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { APIError } from 'better-auth/api';
import { admin, genericOAuth, username } from 'better-auth/plugins';
import { createAccessControl } from 'better-auth/plugins/access';
import { adminAc, defaultStatements } from 'better-auth/plugins/admin/access';
import type { ResolvedAuth, ServerSettings } from '@/lib/config/load-config';
import { loginLinks } from './login-link';
import { roleFromClaims } from './oidc-roles';
import type { Role } from '@/lib/model/actor';

/** The OpenID Connect provider's id in its callback URL: /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = 'oidc';
/** The header the auth route stamps with the client's address, for login rate limits. */
export const CLIENT_ADDRESS_HEADER = 'x-phaseboard-client';

const ac = createAccessControl({ ...defaultStatements });
const roles = {
  viewer: ac.newRole({}),
  operator: ac.newRole({}),
  admin: ac.newRole({ ...adminAc.statements }),
};

// The admin plugin does not let a provider's profile set `role` (it is not
// an input field), so the role mapped from the claims rides along in the
// request's state and the user hooks write it, at every login. The login
// name becomes the username once, when the user is made (an update would
// trip the username plugin's uniqueness check on the user itself).
// A provider user with no role is refused here, as an API error: the
// callback then sends the browser to the login page with its code.
const fromProvider = defineRequestState<{ role: Role | null; username: string; login: string } | null>(() => null);
const providerFacts = async () => {
  const p = (await hasRequestState()) ? await fromProvider.get() : null;
  if (p && !p.role)
    throw new APIError('FORBIDDEN', {
      code: 'NO_PHASEBOARD_ROLE',
      message: `${p.login} has no phaseboard role: the role claim lists none of the configured values`,
    });
  return p;
};
const onCreate = async <T extends Record<string, unknown>>(data: T) => {
  const p = await providerFacts();
  return p ? { data: { ...data, role: p.role, username: p.username, displayUsername: p.username } } : undefined;
};
const onUpdate = async <T extends Record<string, unknown>>(data: T) => {
  const p = await providerFacts();
  return p ? { data: { ...data, role: p.role } } : undefined;
};

export interface AuthOptions {
  /** the store's database, as better-auth takes it (a Kysely dialect for SQLite, a pg Pool for PostgreSQL) */
  database: BetterAuthOptions['database'];
  /** signs session cookies; kept in the store so every replica has the same */
  secret: string;
  auth: ResolvedAuth;
  server: ServerSettings;
}

/**
 * Logins, sessions and users, by better-auth: local users log in with a
 * username and an argon2id-hashed password; sessions live in the store and
 * ride in one HttpOnly SameSite=Lax cookie; OpenID Connect is a plugin.
 */
export function createBetterAuth(o: AuthOptions) {
  const oidc = o.auth.oidc;
  const secure = o.server.publicUrl?.startsWith('https:') ?? false;
  return betterAuth({
    appName: 'phaseboard',
    secret: o.secret,
    database: o.database,
    // Reached as 127.0.0.1, localhost or the public URL: the base URL is the request's own, among those allowed.
    baseURL: o.server.publicUrl ?? {
      allowedHosts: o.server.allowedHosts.flatMap((h) => [h, `${h}:*`]),
      protocol: 'http',
      fallback: 'http://127.0.0.1',
    },
    telemetry: { enabled: false },
    user: { modelName: 'auth_users' },
    session: {
      modelName: 'auth_sessions',
      expiresIn: o.auth.sessionHours * 3600,
      updateAge: Math.min(3600, o.auth.sessionHours * 1800),
      // Every request reads the session row: a revoked or expired session ends at once.
      cookieCache: { enabled: false },
    },
    account: { modelName: 'auth_accounts' },
    verification: { modelName: 'auth_verifications' },
    emailAndPassword: {
      // Username logins only; better-auth's password hashing is swapped for argon2id.
      enabled: false,
      password: {
        hash: (password) => argon2Hash(password),
        verify: ({ hash, password }) => argon2Verify(hash, password),
      },
    },
    rateLimit: {
      enabled: true,
      storage: 'database',
      modelName: 'auth_rate_limits',
      window: 60,
      max: 100,
      customRules: {
        '/sign-in/username': { window: 60, max: o.auth.loginAttemptsPerMinute },
        '/login-link/redeem': { window: 60, max: 10 },
      },
    },
    advanced: {
      useSecureCookies: secure,
      // The auth route sets this from the socket (or a trusted proxy's X-Forwarded-For): clients cannot pick it.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      // phaseboard's own route guard checks Origin and Sec-Fetch-Site on every state change; keep better-auth's too.
      disableOriginCheck: false,
    },
    databaseHooks: {
      user: {
        create: { before: onCreate },
        update: { before: onUpdate },
      },
    },
    plugins: [
      username(),
      admin({ ac, roles, defaultRole: 'viewer', adminRoles: ['admin'] }),
      loginLinks(),
      ...(oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: OIDC_PROVIDER_ID,
                  discoveryUrl: `${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
                  clientId: oidc.clientId,
                  clientSecret: oidc.clientSecret,
                  scopes: oidc.scopes,
                  pkce: true,
                  overrideUserInfo: true,
                  // Groups often come only from the userinfo endpoint; ask it every time.
                  getUserInfo: async (tokens) => {
                    const discovery = (await (await fetch(`${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)).json()) as {
                      userinfo_endpoint?: string;
                    };
                    if (!discovery.userinfo_endpoint) return null;
                    const res = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
                    if (!res.ok) return null;
                    const u = (await res.json()) as Record<string, unknown>;
                    return {
                      ...u,
                      id: String(u.sub),
                      email: typeof u.email === 'string' ? u.email : undefined,
                      emailVerified: u.email_verified === true,
                      name: String(u.name ?? u.preferred_username ?? u.sub),
                    } as never;
                  },
                  mapProfileToUser: async (profile) => {
                    const login = String(profile.preferred_username ?? profile.sub);
                    await fromProvider.set({ role: roleFromClaims(profile[oidc.roleClaim], oidc), username: usernameFor(login), login });
                    return {
                      name: String(profile.name ?? login),
                      // A user row needs a unique email; providers without one get a placeholder.
                      email: typeof profile.email === 'string' ? profile.email : `${profile.sub}@oidc.phaseboard.invalid`,
                    };
                  },
                },
              ],
            }),
          ]
        : []),
    ],
  });
}

export type BetterAuth = ReturnType<typeof createBetterAuth>;

/** better-auth usernames are 3–30 of [A-Za-z0-9_.]: a provider's login name is fitted to that. */
function usernameFor(login: string): string {
  const plain = login
    .replace(/@.*$/, '')
    .replace(/[^A-Za-z0-9_.]/g, '_')
    .slice(0, 30);
  return plain.length >= 3 ? plain : `${plain}___`.slice(0, 3);
}
