import { z } from 'zod';
import type { NotifyEvent } from '@/lib/config/schema';

/** Someone wants to hear when this operation fails. */
export const Watch = z.object({ operationId: z.string(), by: z.string(), at: z.string() });
export type Watch = z.infer<typeof Watch>;

/** One event for one webhook, with every attempt to deliver it. */
export const Delivery = z.object({
  id: z.string(),
  webhookId: z.string(),
  event: z.enum(['finding.critical', 'operation.failed']),
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

export type { NotifyEvent };

/** What the notifications store keeps. */
export interface NotifyStore {
  setWatch(operationId: string, by: string, watched: boolean, at: string): Promise<void>;
  listWatches(): Promise<Watch[]>;
  getWatch(operationId: string): Promise<Watch | null>;
  /** inserts unless this webhook already has the event; answers whether it did */
  addDelivery(d: Delivery): Promise<boolean>;
  saveDelivery(d: Delivery): Promise<void>;
  dueDeliveries(nowIso: string, limit: number): Promise<Delivery[]>;
  listDeliveries(limit: number): Promise<Delivery[]>;
}
