import 'server-only';
import { NextResponse } from 'next/server';
import { authenticate } from '@/lib/auth/authenticate';
import { actorLabel, actorOf, hasRole, withArticle, type Actor, type Principal, type Role } from '@/lib/model/actor';
import { AppError, HTTP_STATUS, isAppError } from '@/lib/errors/app-error';
import { logger } from '@/lib/log/logger';
import { getRuntime } from '@/lib/runtime/get-runtime';
import type { Runtime } from '@/lib/runtime/runtime';
import { readJsonBody } from './body';
import { checkHost, checkJsonContentType, checkSameOrigin } from './guards';

type Params = Record<string, string>;

export interface RouteContext<P extends Params, Who = Principal> {
  /** the running phaseboard the services work on */
  rt: Runtime;
  req: Request;
  params: P;
  /** the JSON body of a state-changing request (read at most 64 KiB), {} otherwise */
  body: unknown;
  query: URLSearchParams;
  principal: Who;
  /** who audit records, claims and runs say did it (null without a login, on public routes) */
  actor: Who extends Principal ? Actor : Actor | null;
}

export interface RouteSpec {
  /** the least role that may call it */
  role: Role;
  /** status of a successful answer (JSON) */
  status?: number;
}

type Handler = (req: Request, ctx?: { params: Promise<Params> }) => Promise<Response>;

/** A route anyone may call (health, who am I); the principal is null without a login. */
export function publicRoute<P extends Params = Params>(handler: (ctx: RouteContext<P, Principal | null>) => Promise<unknown>): Handler {
  return guarded(null, undefined, handler);
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every route handler goes through here: the Host allow-list, then for a
 * state change the same-origin check (bearer tokens need none), JSON only
 * and a 64 KiB body, then the login and the role, then the handler. Errors
 * are mapped by their code; anything unexpected is logged and says
 * "internal error".
 */
export function route<P extends Params = Params>(spec: RouteSpec, handler: (ctx: RouteContext<P>) => Promise<unknown>): Handler {
  return guarded(spec.role, spec.status, handler as (ctx: RouteContext<P, Principal | null>) => Promise<unknown>);
}

function guarded<P extends Params>(
  role: Role | null,
  status: number | undefined,
  handler: (ctx: RouteContext<P, Principal | null>) => Promise<unknown>,
): Handler {
  return async (req, ctx) => {
    try {
      const rt = await getRuntime();
      checkHost(req, rt.config.server.allowedHosts);
      const bearer = /^bearer\s/i.test(req.headers.get('authorization') ?? '');
      const changes = CHANGES.has(req.method);
      if (changes && !bearer) checkSameOrigin(req, rt.config.server.ownOrigins);
      if (changes) checkJsonContentType(req);
      const body = changes ? await readJsonBody(req) : {};
      const principal = await authenticate(rt, req);
      if (role !== null) {
        if (!principal) throw new AppError('unauthenticated', 'log in first (or send an API token as Authorization: Bearer …)');
        if (!hasRole(principal.role, role)) {
          throw new AppError('forbidden', `this needs the ${role} role; ${actorLabel(actorOf(principal))} is ${withArticle(principal.role)}`);
        }
      }
      const params = (ctx ? await ctx.params : {}) as P;
      const result = await handler({
        rt,
        req,
        params,
        body,
        query: new URL(req.url).searchParams,
        principal,
        actor: principal ? actorOf(principal) : null,
      });
      if (result instanceof Response) return result;
      return NextResponse.json(result, { status: status ?? 200, headers: { 'Cache-Control': 'no-store' } });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** The one mapping from errors to HTTP answers; internal messages never leak. */
export function errorResponse(e: unknown): NextResponse {
  if (isAppError(e)) {
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (e.code === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer realm="phaseboard"';
    return NextResponse.json(
      { error: { code: e.code, message: e.message, field: e.field, engineMessage: e.engineMessage } },
      { status: HTTP_STATUS[e.code], headers },
    );
  }
  logger.error({ err: e }, 'unhandled error in route');
  return NextResponse.json({ error: { code: 'internal', message: 'internal error' } }, { status: 500 });
}
