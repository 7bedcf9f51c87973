import { z } from 'zod';
import { Related } from './details';
import { Details, OperationKind, OperationState, Subject } from './operation';

/**
 * What an adapter reports for one operation at one instant: the engine's view,
 * before phaseboard adds history, rate, ETA and actions.
 */
export const OperationSnapshot = z.object({
  nativeId: z.string(),
  kind: OperationKind,
  subject: Subject,
  nativePhase: z.string(),
  state: OperationState,
  progress: z
    .object({
      unit: z.enum(['bytes', 'percent']),
      done: z.number().nonnegative(),
      total: z.number().nonnegative().nullable(),
      /** why it is not getting closer to the end ("not converging"), as the engine's numbers show */
      stalled: z.string().nullable().optional(),
    })
    .nullable(),
  details: Details,
  /** hosts, the other end of a copy, attachments, a parent job (none when the engine says nothing of them) */
  related: z.array(Related),
  /** when the engine says it started, if it says */
  startedAt: z.string().nullable(),
  /**
   * What the engine logged for it (Ganeti's job log), oldest first, `seq`
   * rising: each line becomes a timeline point once. The highest recorded is
   * kept in details.logSerial, so a restart never records a line twice.
   */
  log: z.array(z.object({ seq: z.number().int().positive(), at: z.string(), text: z.string() })).optional(),
});
export type OperationSnapshot = z.infer<typeof OperationSnapshot>;

/** The outcome derived for an operation the engine no longer lists. */
export interface Resolution {
  state: 'succeeded' | 'failed' | 'cancelled' | 'unknown';
  /** plain words for the timeline, naming the evidence ("disk d1 is OK") */
  message: string;
  details?: Details;
}
