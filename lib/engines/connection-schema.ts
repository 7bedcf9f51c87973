import 'server-only';
import { z } from 'zod';

/** What every engine's connection schema starts with. */
export const ConnectionId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes (it appears in operation ids)');

/**
 * fast (≤ 1 s) while anything is in transition, slow (≥ 10 s) when idle;
 * watch: while idle, how often the engine's cheap change check runs (engines
 * that have one; 1 s when not given), so news shows within about that long.
 */
export const PollInterval = z
  .object({
    fast: z.number().int().min(100).max(1000).default(1000),
    slow: z.number().int().min(10_000).max(600_000).default(10_000),
    watch: z.number().int().min(250).max(10_000).optional(),
  })
  .strict()
  .default({ fast: 1000, slow: 10_000 });

export const RequestTimeout = z.number().int().min(1000).max(120_000).default(15_000);

/** The fields every connection has: id, polling, timeout. */
export const connectionFields = { id: ConnectionId, pollIntervalMs: PollInterval, timeoutMs: RequestTimeout };
