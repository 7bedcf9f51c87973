import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addressList } from '@/lib/http/guards';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import { tempDir } from '@/lib/testing/temp-dir';
import { authenticate } from './authenticate';
import type { AuthRuntime } from './setup';
import { createApiToken } from './tokens';
import type { UserView } from './users';

const local = (over: Partial<UserView>): UserView => ({
  id: 'u1',
  username: 'alice',
  name: 'Alice',
  role: 'operator',
  disabled: false,
  logins: ['password'],
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

/** The parts of the auth runtime authenticate uses: a proxy trusted at 10.0.0.5, one local user, no sessions. */
function auth(users: UserView[]): AuthRuntime {
  return {
    proxy: { header: 'x-remote-user', trusted: addressList(['10.0.0.5']), defaultRole: 'viewer' },
    users: { byUsername: async (name: string) => users.find((u) => u.username === name) ?? null },
    better: { api: { getSession: async () => null } },
    methods: { password: true, oidc: null },
  } as unknown as AuthRuntime;
}

const req = (headers: Record<string, string>) => new Request('http://127.0.0.1/api/x', { headers });

describe('who sent the request', () => {
  // As under scripts/start.mjs, which writes x-phaseboard-peer from the socket.
  beforeAll(() => void (process.env.PHASEBOARD_SERVER = 'start.mjs'));
  afterAll(() => void delete process.env.PHASEBOARD_SERVER);
  let store: Store;
  afterEach(() => store?.close());

  it('honours the proxy header only from a trusted peer; anyone else saying it is nobody', async () => {
    store = openSqliteStore(tempDir());
    const rt = { store, auth: auth([local({})]) };
    expect(await authenticate(rt, req({ 'x-remote-user': 'alice', 'x-phaseboard-peer': '10.0.0.5' }))).toEqual({
      kind: 'proxy',
      name: 'alice',
      role: 'operator',
    });
    expect(await authenticate(rt, req({ 'x-remote-user': 'bob', 'x-phaseboard-peer': '::ffff:10.0.0.5' }))).toEqual({
      kind: 'proxy',
      name: 'bob',
      role: 'viewer',
    });
    expect(await authenticate(rt, req({ 'x-remote-user': 'alice', 'x-phaseboard-peer': '192.0.2.1' }))).toBeNull();
    expect(await authenticate(rt, req({ 'x-remote-user': 'alice' }))).toBeNull();
    await expect(authenticate(rt, req({ 'x-remote-user': 'al ice;', 'x-phaseboard-peer': '10.0.0.5' }))).rejects.toMatchObject({ code: 'unauthenticated' });
    const disabled = { store, auth: auth([local({ disabled: true })]) };
    await expect(authenticate(disabled, req({ 'x-remote-user': 'alice', 'x-phaseboard-peer': '10.0.0.5' }))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('takes a bearer token before anything else, and a bad one is a 401, not a fall-through', async () => {
    store = openSqliteStore(tempDir());
    const rt = { store, auth: auth([local({})]) };
    const { secret } = await createApiToken(store, { name: 'ci', role: 'viewer' }, { kind: 'user', id: 'u-alice', name: 'alice' });
    expect(await authenticate(rt, req({ authorization: `Bearer ${secret}`, 'x-remote-user': 'alice', 'x-phaseboard-peer': '10.0.0.5' }))).toMatchObject({
      kind: 'token',
      name: 'ci',
      role: 'viewer',
    });
    await expect(authenticate(rt, req({ authorization: 'Bearer nope', 'x-remote-user': 'alice', 'x-phaseboard-peer': '10.0.0.5' }))).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });
});
