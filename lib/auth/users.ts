import 'server-only';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
import type { BetterAuth } from './better-auth';
import { loginLinkIdentifier } from './login-link';
import { Role } from '@/lib/model/actor';

/** better-auth's username rule (3–30 of [a-z0-9_.]), lower case so names cannot be look-alikes. */
export const Username = z.string().regex(/^[a-z0-9_.]{3,30}$/, 'use 3–30 lowercase letters, digits, dots or underscores');
export const Password = z.string().min(12, 'use at least 12 characters').max(128);

/** A person as the Users page shows them: never a password hash or a session token. */
export interface UserView {
  id: string;
  username: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** how they log in: a local password, OpenID Connect, or both */
  logins: string[];
  createdAt: string;
}

interface AuthUser {
  id: string;
  name: string;
  username?: string | null;
  role?: string | null;
  banned?: boolean | null;
  createdAt: Date;
}

const view = (u: AuthUser, logins: string[]): UserView => ({
  id: u.id,
  username: u.username ?? u.name,
  name: u.name,
  role: Role.catch('viewer').parse(u.role),
  disabled: u.banned === true,
  logins,
  createdAt: u.createdAt.toISOString(),
});

/** How a user logs in, from their better-auth accounts. */
const loginsOf = (accounts: { providerId: string }[]) => accounts.map((a) => (a.providerId === 'credential' ? 'password' : a.providerId));

const email = (username: string) => `${username}@users.phaseboard.invalid`;
export const randomPassword = () => randomBytes(18).toString('base64url');

/** Local users, their roles and logins; every change here is an admin's. */
export class Users {
  constructor(private readonly auth: BetterAuth) {}

  private async ctx() {
    return this.auth.$context;
  }

  async list(): Promise<UserView[]> {
    const ctx = await this.ctx();
    const users = (await ctx.internalAdapter.listUsers(1000, 0, { field: 'createdAt', direction: 'asc' })) as AuthUser[];
    return Promise.all(users.map(async (u) => view(u, loginsOf(await ctx.internalAdapter.findAccounts(u.id)))));
  }

  async count(): Promise<number> {
    return (await this.ctx()).internalAdapter.countTotalUsers();
  }

  async get(id: string): Promise<UserView> {
    const ctx = await this.ctx();
    const u = (await ctx.internalAdapter.findUserById(id)) as AuthUser | null;
    if (!u) throw new AppError('not_found', `no user "${id}"`);
    return view(u, loginsOf(await ctx.internalAdapter.findAccounts(u.id)));
  }

  async byUsername(username: string): Promise<UserView | null> {
    const ctx = await this.ctx();
    const [u] = (await ctx.internalAdapter.listUsers(1, 0, undefined, [{ field: 'username', value: username }])) as AuthUser[];
    return u ? view(u, loginsOf(await ctx.internalAdapter.findAccounts(u.id))) : null;
  }

  /** Creates a local user; without a password, a random one is set (log in with a link, then change it). */
  async create(body: unknown): Promise<UserView> {
    const input = parseInput(
      z.strictObject({ username: Username, role: Role, password: Password.optional(), name: z.string().min(1).max(100).optional() }),
      body,
      'user',
    );
    if (await this.byUsername(input.username)) throw new AppError('conflict', `there is already a user "${input.username}"`, { field: 'username' });
    const created = await this.auth.api
      .createUser({
        body: {
          email: email(input.username),
          password: input.password ?? randomPassword(),
          name: input.name ?? input.username,
          role: input.role,
          data: { username: input.username },
        },
      })
      .catch(async (e: unknown) => {
        // Two requests for the same new name at once: the store's unique index refuses the second.
        if (await this.byUsername(input.username)) throw new AppError('conflict', `there is already a user "${input.username}"`, { field: 'username' });
        throw e;
      });
    return this.get(created.user.id);
  }

  async update(id: string, body: unknown, by: { userId: string | null }): Promise<UserView> {
    const input = parseInput(z.strictObject({ role: Role.optional(), disabled: z.boolean().optional(), password: Password.optional() }), body, 'user');
    const current = await this.get(id);
    const ctx = await this.ctx();
    const losesAdmin = current.role === 'admin' && ((input.role && input.role !== 'admin') || input.disabled === true);
    if (losesAdmin) await this.keepAnAdmin(id, by);
    if (input.role) await ctx.internalAdapter.updateUser(id, { role: input.role });
    if (input.disabled !== undefined)
      await ctx.internalAdapter.updateUser(id, { banned: input.disabled, banReason: input.disabled ? 'disabled by an admin' : null });
    if (input.password) await this.setPassword(id, input.password);
    // A disabled user's, or a changed password's, existing logins end now.
    if (input.disabled === true || input.password) await ctx.internalAdapter.deleteUserSessions(id);
    return this.get(id);
  }

  async remove(id: string, by: { userId: string | null }): Promise<{ removed: string }> {
    const current = await this.get(id);
    if (current.role === 'admin') await this.keepAnAdmin(id, by);
    const ctx = await this.ctx();
    await ctx.internalAdapter.deleteUserSessions(id);
    await ctx.internalAdapter.deleteUser(id);
    return { removed: current.username };
  }

  /** A person changes their own password: the current one must be right. */
  async changeOwnPassword(userId: string, body: unknown): Promise<void> {
    const input = parseInput(z.strictObject({ currentPassword: z.string().min(1).max(128), newPassword: Password }), body, 'password change');
    const ctx = await this.ctx();
    const account = await ctx.internalAdapter.findCredentialAccount(userId);
    if (!account?.password) throw new AppError('conflict', 'this account logs in through single sign-on and has no local password');
    if (!(await ctx.password.verify({ hash: account.password, password: input.currentPassword }))) {
      throw new AppError('forbidden', 'the current password is not right', { field: 'currentPassword' });
    }
    await this.setPassword(userId, input.newPassword);
  }

  /** A one-time login link's token for the user, valid for `minutes`. */
  async loginLink(id: string, minutes: number): Promise<{ token: string; expiresAt: string; username: string }> {
    const user = await this.get(id);
    if (user.disabled) throw new AppError('conflict', `${user.username} is disabled`);
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + minutes * 60_000);
    await (await this.ctx()).internalAdapter.createVerificationValue({ identifier: loginLinkIdentifier(token), value: id, expiresAt });
    return { token, expiresAt: expiresAt.toISOString(), username: user.username };
  }

  private async setPassword(id: string, password: string): Promise<void> {
    const ctx = await this.ctx();
    const hash = await ctx.password.hash(password);
    const account = await ctx.internalAdapter.findCredentialAccount(id);
    if (account) await ctx.internalAdapter.updatePassword(id, hash);
    else await ctx.internalAdapter.linkAccount({ userId: id, providerId: 'credential', accountId: id, password: hash });
  }

  /** Someone must stay able to manage phaseboard. */
  private async keepAnAdmin(losing: string, by: { userId: string | null }): Promise<void> {
    const others = (await this.list()).filter((u) => u.role === 'admin' && !u.disabled && u.id !== losing);
    if (others.length === 0) throw new AppError('conflict', 'this is the last enabled admin; make another user admin first');
    if (by.userId === losing) throw new AppError('conflict', 'you cannot take away your own admin role or disable yourself; ask another admin');
  }
}
