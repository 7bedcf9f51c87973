import 'server-only';
/** Error codes phaseboard reports; one table maps them to HTTP statuses. */
export type ErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'invalid_config'
  | 'unauthenticated'
  | 'forbidden'
  | 'misdirected'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'engine_unreachable'
  | 'engine_refused'
  | 'engine_payload'
  | 'unsupported'
  | 'unavailable'
  | 'timeout'
  | 'internal';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid_input: 400,
  invalid_config: 500,
  unauthenticated: 401,
  forbidden: 403,
  misdirected: 421,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  engine_unreachable: 502,
  engine_refused: 502,
  engine_payload: 502,
  unsupported: 501,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

export interface AppErrorOptions {
  cause?: unknown;
  /** the engine's own message, kept verbatim for the operator */
  engineMessage?: string;
  /** the input field at fault, for invalid_input */
  field?: string;
}

// Next.js bundles a module once per route chunk, so `instanceof AppError`
// fails for an error made in another chunk. A registry-wide symbol does not.
const BRAND = Symbol.for('phaseboard.AppError');

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly engineMessage?: string;
  readonly field?: string;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.engineMessage = options.engineMessage;
    this.field = options.field;
  }
}

/** True for an AppError made by any bundle of this process: recognised by brand and code, not class identity. */
export function isAppError(e: unknown): e is AppError {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as { [BRAND]?: unknown; code?: unknown };
  return x[BRAND] === true && typeof x.code === 'string' && x.code in HTTP_STATUS;
}

/** True when e is an AppError with one of the codes. */
export function hasCode(e: unknown, ...codes: ErrorCode[]): e is AppError {
  return isAppError(e) && codes.includes(e.code);
}

/** A message safe to show anywhere: AppErrors say theirs, anything else is generic. */
export function publicMessage(e: unknown): string {
  return isAppError(e) ? e.message : 'internal error';
}
