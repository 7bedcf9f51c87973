import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/model/actor';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import { tempDir } from '@/lib/testing/temp-dir';
import { roleFromClaims } from './oidc-roles';
import { createApiToken, provisionAdminToken, tokenPrincipal } from './tokens';

const alice: Actor = { kind: 'user', id: 'u-alice', name: 'alice' };

describe('API tokens', () => {
  let store: Store;
  afterEach(() => store?.close());

  it('answers the secret once, keeps only its hash, and acts as the token with its role', async () => {
    store = openSqliteStore(tempDir());
    const { token, secret } = await createApiToken(store, { name: 'ci-deploy', role: 'operator', expiresInDays: 30 }, alice);
    expect(secret).toMatch(/^pbt_[\w-]{40,}$/);
    expect(JSON.stringify(await store.listApiTokens())).not.toContain(secret);
    expect(await tokenPrincipal(store, secret)).toEqual({ kind: 'token', id: token.id, name: 'ci-deploy', role: 'operator' });
    expect(token.createdBy).toEqual(alice);
    await expect(createApiToken(store, { name: 'ci-deploy', role: 'viewer' }, alice)).rejects.toMatchObject({ code: 'conflict' });
    await expect(createApiToken(store, { name: 'Bad Name', role: 'viewer' }, alice)).rejects.toMatchObject({ code: 'invalid_input', field: 'name' });
  });

  it('refuses unknown, revoked and expired tokens, saying which', async () => {
    store = openSqliteStore(tempDir());
    const now = Date.now();
    const { token, secret } = await createApiToken(store, { name: 'short', role: 'viewer', expiresInDays: 1 }, alice, now);
    await expect(tokenPrincipal(store, 'pbt_nope')).rejects.toThrow('the API token is not known');
    await expect(tokenPrincipal(store, secret, now + 2 * 86_400_000)).rejects.toThrow(/the API token "short" expired at/);
    await store.revokeApiToken(token.id, new Date(now).toISOString());
    await expect(tokenPrincipal(store, secret, now)).rejects.toThrow('the API token "short" was revoked');
  });

  it('provisions PHASEBOARD_ADMIN_TOKEN as an admin token, replacing it when it changes and revoking it when unset', async () => {
    store = openSqliteStore(tempDir());
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    await provisionAdminToken(store, a);
    await provisionAdminToken(store, a);
    expect(await tokenPrincipal(store, a)).toMatchObject({ kind: 'token', name: 'provisioned', role: 'admin' });
    await provisionAdminToken(store, b);
    await expect(tokenPrincipal(store, a)).rejects.toThrow(/revoked/);
    expect(await tokenPrincipal(store, b)).toMatchObject({ role: 'admin' });
    await provisionAdminToken(store, null);
    await expect(tokenPrincipal(store, b)).rejects.toThrow(/revoked/);
    // The same secret again later is a working token again.
    await provisionAdminToken(store, a);
    expect(await tokenPrincipal(store, a)).toMatchObject({ role: 'admin' });
    expect((await store.listApiTokens()).filter((t) => !t.revokedAt)).toMatchObject([{ createdBy: { kind: 'phaseboard' } }]);
  });
});

describe('OpenID Connect role mapping', () => {
  const roles = { admin: ['pb-admins'], operator: ['pb-operators', 'noc'], viewer: ['staff'] };
  it('gives the highest role a claim value maps to, else the default, else none', () => {
    expect(roleFromClaims(['staff', 'noc'], { roles })).toBe('operator');
    expect(roleFromClaims(['pb-admins', 'staff'], { roles })).toBe('admin');
    expect(roleFromClaims('staff pb-operators', { roles })).toBe('operator');
    expect(roleFromClaims(['other'], { roles })).toBeNull();
    expect(roleFromClaims(undefined, { roles, defaultRole: 'viewer' })).toBe('viewer');
  });
});
