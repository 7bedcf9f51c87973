import 'server-only';
import type { Runtime } from '@/lib/runtime/runtime';
import { z } from 'zod';
import { actorOf, type Actor, type Principal } from '@/lib/model/actor';
import { createApiToken } from '@/lib/auth/tokens';
import { AppError, isAppError } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';

/** Who is logged in (null when nobody), and how one may log in. */
export async function sessionGet(rt: Runtime, principal: Principal | null) {
  return {
    principal: principal && { kind: principal.kind, name: principal.name, role: principal.role },
    methods: rt.auth.methods,
  };
}

export async function ownPasswordChange(rt: Runtime, principal: Principal, body: unknown) {
  if (principal.kind !== 'user') throw new AppError('conflict', 'only a user logged in with a session has a password to change here');
  await rt.auth.users.changeOwnPassword(principal.id, body);
  rt.log.info({ user: principal.name }, 'password changed');
  return { changed: true };
}

export async function userList(rt: Runtime) {
  return { users: await rt.auth.users.list() };
}

export async function userCreate(rt: Runtime, body: unknown, actor: Actor) {
  const user = await rt.auth.users.create(body);
  rt.log.info({ user: user.username, role: user.role, actor }, 'user created');
  return { user };
}

const byOf = (p: Principal) => ({ userId: p.kind === 'user' ? p.id : null });

export async function userUpdate(rt: Runtime, id: string, body: unknown, principal: Principal) {
  const user = await rt.auth.users.update(id, body, byOf(principal));
  rt.log.info({ user: user.username, role: user.role, disabled: user.disabled, actor: actorOf(principal) }, 'user changed');
  return { user };
}

export async function userRemove(rt: Runtime, id: string, principal: Principal) {
  const out = await rt.auth.users.remove(id, byOf(principal));
  rt.log.info({ user: out.removed, actor: actorOf(principal) }, 'user removed');
  return out;
}

const LinkBody = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(60),
});

/** A one-time login link for a user; the browser puts it together with its own origin. */
export async function userLoginLink(rt: Runtime, id: string, body: unknown, actor: Actor) {
  const { minutes } = parseInput(LinkBody, body, 'login link');
  const link = await rt.auth.users.loginLink(id, minutes);
  rt.log.info({ user: link.username, minutes, actor }, 'login link made');
  return { token: link.token, expiresAt: link.expiresAt, path: `/login#link=${link.token}` };
}

/** A read-only login link for a presenter: the `presenter` viewer is made on first use. */
export async function presenterLink(rt: Runtime, body: unknown, actor: Actor) {
  const presenter =
    (await rt.auth.users.byUsername('presenter')) ??
    (await rt.auth.users.create({ username: 'presenter', role: 'viewer', name: 'Presenter (read-only)' }).catch(async (e: unknown) => {
      // made by a request at the same moment: that one is the presenter
      const made = isAppError(e) && e.code === 'conflict' ? await rt.auth.users.byUsername('presenter') : null;
      if (!made) throw e;
      return made;
    }));
  if (presenter.role !== 'viewer') throw new AppError('conflict', 'the user "presenter" is not a viewer; give it the viewer role first');
  return userLoginLink(rt, presenter.id, body, actor);
}

export async function tokenList(rt: Runtime) {
  return { tokens: await rt.store.listApiTokens() };
}

export async function tokenCreate(rt: Runtime, body: unknown, actor: Actor) {
  const { token, secret } = await createApiToken(rt.store, body, actor);
  rt.log.info({ token: token.name, role: token.role, actor }, 'API token created');
  // The only time the secret is said.
  return { token, secret };
}

export async function tokenRevoke(rt: Runtime, id: string, actor: Actor) {
  if (!(await rt.store.revokeApiToken(id, new Date().toISOString()))) throw new AppError('not_found', `no live API token "${id}"`);
  rt.log.info({ token: id, actor }, 'API token revoked');
  return { revoked: id };
}
