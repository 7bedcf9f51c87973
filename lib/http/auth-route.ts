import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { readJsonText } from './body';
import { CLIENT_ADDRESS_HEADER } from '@/lib/auth/better-auth';
import { checkHost, checkJsonContentType, checkSameOrigin, clientAddress } from './guards';
import { errorResponse } from './route';
import { getRuntime } from '@/lib/runtime/get-runtime';

/**
 * better-auth also answers the session token in the JSON body of a login;
 * the browser needs only the HttpOnly cookie, so page scripts never see it.
 */
async function withoutSessionToken(res: Response): Promise<Response> {
  if (!(res.headers.get('content-type') ?? '').includes('application/json')) return res;
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (json && typeof json === 'object' && 'token' in json) delete json.token;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(json), { status: res.status, headers });
}

/**
 * The better-auth endpoints a browser needs, and no others: its admin,
 * session-listing and impersonation endpoints stay closed, so users, roles
 * and sessions change only through phaseboard's own audited routes.
 */
const OPEN: Record<string, RegExp> = {
  POST: /^\/(sign-in\/username|sign-in\/social|sign-in\/oauth2|sign-out|login-link\/redeem)$/,
  GET: /^\/(callback|oauth2\/callback)\/[\w-]+$|^\/error$/,
};

/**
 * better-auth's endpoints (/api/auth/*: sign-in, sign-out, OpenID Connect,
 * login links) behind the same guards as every other route, and with the
 * client's address, as phaseboard knows it, for the login rate limit.
 */
export async function handleAuthRequest(req: Request): Promise<Response> {
  try {
    const rt = await getRuntime();
    checkHost(req, rt.config.server.allowedHosts);
    const endpoint = new URL(req.url).pathname.replace(/^\/api\/auth/, '');
    if (!OPEN[req.method]?.test(endpoint)) throw new AppError('not_found', `no auth endpoint ${req.method} /api/auth${endpoint.slice(0, 100)}`);
    const headers = new Headers(req.headers);
    headers.set(CLIENT_ADDRESS_HEADER, clientAddress(req, rt.auth.proxy?.trusted ?? null) ?? 'unknown');
    let body: string | undefined;
    if (req.method === 'POST') {
      checkSameOrigin(req, rt.config.server.ownOrigins);
      checkJsonContentType(req);
      body = (await readJsonText(req)) || '{}';
      headers.delete('content-length');
    }
    return withoutSessionToken(await rt.auth.better.handler(new Request(req.url, { method: req.method, headers, body })));
  } catch (e) {
    return errorResponse(e);
  }
}
