import 'server-only';
import type { z } from 'zod';
import { AppError } from './app-error';

/** Turns a zod failure into an invalid_input error naming the first bad field. */
export function fromZodError(error: z.ZodError, what: string): AppError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  const message = issue ? `${what}: ${field}: ${issue.message}` : `${what} is invalid`;
  return new AppError('invalid_input', message, { field, cause: error });
}

/** Parses untrusted input with a schema; a failure is invalid_input naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw fromZodError(r.error, what);
  return r.data;
}
