import { z } from 'zod';
import { Actor } from './actor';

/** What webhooks can be told. */
export const NotifyEvent = z.enum(['finding.critical', 'operation.failed']);
export type NotifyEvent = z.infer<typeof NotifyEvent>;

/** Someone wants to hear when this operation fails. */
export const Watch = z.object({ operationId: z.string(), by: Actor, at: z.string() });
export type Watch = z.infer<typeof Watch>;

/** One event for one webhook, with every attempt to deliver it. */
export const Delivery = z.object({
  id: z.string(),
  webhookId: z.string(),
  event: NotifyEvent,
  /** the same event is delivered once per webhook, even across restarts */
  eventKey: z.string(),
  body: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  attempts: z.array(z.object({ at: z.string(), ok: z.boolean(), status: z.number().nullable(), error: z.string().nullable() })),
});
export type Delivery = z.infer<typeof Delivery>;
