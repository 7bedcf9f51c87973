import { z } from 'zod';
import { ActionName } from './operation';

/** One action someone asked phaseboard to run on an operation: the audit record. */
export const ActionRun = z.object({
  id: z.string(),
  operationId: z.string(),
  action: ActionName,
  /** a repeated submit with the same key (same operation, action and actor) returns this run instead of acting again */
  idempotencyKey: z.string().nullable(),
  /** what was asked (action and params), hashed: a key reused for another request is refused */
  requestHash: z.string(),
  actor: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** interrupted: phaseboard stopped while it ran; the engine was looked at again after the restart */
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  message: z.string().nullable(),
});
export type ActionRun = z.infer<typeof ActionRun>;
