/** Error codes phaseboard reports; one table maps them to HTTP statuses. */
export type ErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'invalid_config'
  | 'engine_unreachable'
  | 'engine_refused'
  | 'engine_payload'
  | 'unsupported'
  | 'timeout'
  | 'internal';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid_input: 400,
  invalid_config: 500,
  engine_unreachable: 502,
  engine_refused: 502,
  engine_payload: 502,
  unsupported: 501,
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

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly engineMessage?: string;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.engineMessage = options.engineMessage;
    this.field = options.field;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** A message safe to show anywhere: AppErrors say theirs, anything else is generic. */
export function publicMessage(e: unknown): string {
  return isAppError(e) ? e.message : 'internal error';
}
