import 'server-only';
import { createHash } from 'node:crypto';
import { createAuthEndpoint } from '@better-auth/core/api';
import type { BetterAuthPlugin } from 'better-auth';
import { setSessionCookie } from 'better-auth/cookies';
import { z } from 'zod';

const PREFIX = 'login-link:';

/** Links are kept by their hash: the store never holds a usable token. */
export function loginLinkIdentifier(token: string): string {
  return PREFIX + createHash('sha256').update(token).digest('hex');
}

/**
 * One-time login links (the first start's admin link, a presenter's
 * read-only link): redeemed once by POST from phaseboard's login page, so a
 * link checker or prefetch that only GETs the page cannot use it up.
 */
export const loginLinks = () =>
  ({
    id: 'phaseboard-login-links',
    endpoints: {
      redeemLoginLink: createAuthEndpoint('/login-link/redeem', { method: 'POST', body: z.object({ token: z.string().min(16).max(200) }) }, async (ctx) => {
        const link = await ctx.context.internalAdapter.consumeVerificationValue(loginLinkIdentifier(ctx.body.token));
        if (!link) throw ctx.error('UNAUTHORIZED', { message: 'this login link has been used or has expired' });
        const user = await ctx.context.internalAdapter.findUserById(link.value);
        if (!user || (user as { banned?: boolean }).banned) throw ctx.error('UNAUTHORIZED', { message: 'the user of this login link is disabled or gone' });
        const session = await ctx.context.internalAdapter.createSession(user.id);
        await setSessionCookie(ctx, { session, user });
        return ctx.json({ user: { name: (user as { username?: string }).username ?? user.name, role: (user as { role?: string }).role ?? 'viewer' } });
      }),
    },
  }) satisfies BetterAuthPlugin;
