import 'server-only';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
import type { ApiToken, Store } from '@/lib/store/types';
import { PHASEBOARD, Role, type Actor, type Principal } from '@/lib/model/actor';

/** Tokens start with this, so a leaked one is easy to recognise (and to scan for). */
const PREFIX = 'pbt_';

export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const NewTokenBody = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'use lowercase letters, digits, dots, dashes and underscores'),
  role: Role,
  /** days until it stops working; absent: never */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/** Makes a token; its secret is answered once, here, and never again (only its hash is kept). */
export async function createApiToken(store: Store, body: unknown, createdBy: Actor, now = Date.now()) {
  const input = parseInput(NewTokenBody, body, 'token');
  const secret = PREFIX + randomBytes(32).toString('base64url');
  const token: ApiToken = {
    id: randomUUID(),
    name: input.name,
    role: input.role,
    createdBy,
    createdAt: new Date(now).toISOString(),
    expiresAt: input.expiresInDays ? new Date(now + input.expiresInDays * 86_400_000).toISOString() : null,
    lastUsedAt: null,
    revokedAt: null,
    provisioned: false,
  };
  await store.createApiToken(token, hashToken(secret));
  return { token, secret };
}

/** The principal a bearer secret stands for; a bad, revoked or expired one is a 401 that says which. */
export async function tokenPrincipal(store: Store, secret: string, now = Date.now()): Promise<Principal> {
  const token = secret.length <= 200 ? await store.findApiTokenByHash(hashToken(secret)) : null;
  if (!token) throw new AppError('unauthenticated', 'the API token is not known');
  if (token.revokedAt) throw new AppError('unauthenticated', `the API token "${token.name}" was revoked`);
  if (token.expiresAt && Date.parse(token.expiresAt) <= now)
    throw new AppError('unauthenticated', `the API token "${token.name}" expired at ${token.expiresAt}`);
  // Last use is kept to the minute: not a write per request.
  if (!token.lastUsedAt || now - Date.parse(token.lastUsedAt) > 60_000) await store.touchApiToken(token.id, new Date(now).toISOString());
  return { kind: 'token', id: token.id, name: token.name, role: token.role };
}

/**
 * PHASEBOARD_ADMIN_TOKEN, for provisioning tools: kept as the admin token
 * "provisioned" (revoked and made again when the variable changes; revoked
 * when it is unset). The secret itself is never stored, shown or logged.
 */
export async function provisionAdminToken(store: Store, secret: string | null, now = Date.now()): Promise<void> {
  const current = (await store.listApiTokens()).find((t) => t.provisioned && !t.revokedAt);
  if (current && secret && (await store.findApiTokenByHash(hashToken(secret)))?.id === current.id) return;
  if (current) await store.revokeApiToken(current.id, new Date(now).toISOString());
  if (!secret) return;
  const token: ApiToken = {
    id: randomUUID(),
    name: 'provisioned',
    role: 'admin',
    // made at startup from PHASEBOARD_ADMIN_TOKEN
    createdBy: PHASEBOARD,
    createdAt: new Date(now).toISOString(),
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    provisioned: true,
  };
  await store.createApiToken(token, hashToken(secret));
}
