import 'server-only';
import pino from 'pino';

/**
 * The process logger. JSON lines on stdout; PHASEBOARD_LOG_LEVEL picks the
 * level (debug shows every engine request). Secrets are redacted by path.
 */
export const logger = pino({
  level: process.env.PHASEBOARD_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { app: 'phaseboard' },
  redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
});

export type Logger = pino.Logger;
