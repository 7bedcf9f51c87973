import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { inList, peerAddress } from '@/lib/http/guards';
import type { Store } from '@/lib/store/types';
import type { AuthRuntime } from './setup';
import { Role, type Principal } from '@/lib/model/actor';
import { tokenPrincipal } from './tokens';

/** A name a fronting proxy may give: plain characters only, so it reads the same in every audit record. */
const PROXY_USER = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Who sent the request: an API token (Authorization: Bearer), else a user
 * named by a trusted proxy (only from its addresses; anyone else's header
 * is ignored), else the session cookie. Null when none says who.
 */
export async function authenticate(rt: { store: Store; auth: AuthRuntime }, req: Request): Promise<Principal | null> {
  const authorization = req.headers.get('authorization');
  if (authorization && /^bearer\s/i.test(authorization)) return tokenPrincipal(rt.store, authorization.replace(/^bearer\s+/i, '').trim());

  const proxy = rt.auth.proxy;
  const proxied = proxy ? req.headers.get(proxy.header) : null;
  if (proxy && proxied !== null && inList(proxy.trusted, peerAddress(req))) {
    if (!PROXY_USER.test(proxied)) throw new AppError('unauthenticated', `the proxy's ${proxy.header} header is not a user name phaseboard accepts`);
    // One spelling per person, in audit records and claims alike.
    const name = proxied.toLowerCase();
    const local = await rt.auth.users.byUsername(name);
    if (local?.disabled) throw new AppError('forbidden', `${name} is disabled in phaseboard`);
    return { kind: 'proxy', name, role: local?.role ?? proxy.defaultRole };
  }

  const session = await rt.auth.better.api.getSession({ headers: req.headers });
  if (!session) return null;
  const user = session.user as typeof session.user & { username?: string | null; role?: string | null; banned?: boolean | null };
  if (user.banned) return null;
  return { kind: 'user', id: user.id, name: user.username ?? user.name, role: Role.catch('viewer').parse(user.role) };
}
