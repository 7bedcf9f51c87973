import 'server-only';
import { NextResponse } from 'next/server';
import { AppError, HTTP_STATUS, isAppError } from '@/lib/errors/app-error';
import { logger } from '@/lib/log/logger';

/** The one mapping from errors to HTTP answers; internal messages never leak. */
export function errorResponse(e: unknown): NextResponse {
  if (isAppError(e)) {
    return NextResponse.json(
      { error: { code: e.code, message: e.message, field: e.field, engineMessage: e.engineMessage } },
      { status: HTTP_STATUS[e.code] },
    );
  }
  logger.error({ err: e }, 'unhandled error in route');
  return NextResponse.json({ error: { code: 'internal', message: 'internal error' } }, { status: 500 });
}

/** Runs a handler body and maps whatever it throws. */
export async function respond(fn: () => Promise<unknown>, status = 200): Promise<NextResponse> {
  try {
    return NextResponse.json(await fn(), { status, headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    return errorResponse(e);
  }
}

/** Who is acting. No login yet: a fronting proxy may name the user; otherwise "operator". */
export function actorOf(req: Request): string {
  return req.headers.get('x-remote-user') ?? 'operator';
}

/** The request body as JSON; empty is {}; anything else that does not parse is a 400. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_input', 'request body is not valid JSON', { field: '(body)' });
  }
}
