import type { z } from 'zod';
import { AppError } from './app-error';

/** Turns a zod failure into an invalid_input error naming the first bad field. */
export function fromZodError(error: z.ZodError, what: string): AppError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  const message = issue ? `${what}: ${field}: ${issue.message}` : `${what} is invalid`;
  return new AppError('invalid_input', message, { field, cause: error });
}
