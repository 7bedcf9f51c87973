import 'server-only';
import { NextResponse } from 'next/server';
import { HTTP_STATUS, isAppError } from '@/lib/errors/app-error';
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
