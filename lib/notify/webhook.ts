import 'server-only';
import { createHmac, randomUUID } from 'node:crypto';
import type { ResolvedWebhook } from '@/lib/config/load-config';
import { publicMessage } from '@/lib/errors/app-error';
import { sendRequest } from '@/lib/http/json-request';
import type { Logger } from '@/lib/log/logger';
import type { NotifyStore } from '@/lib/store/types';
import type { Delivery, NotifyEvent } from '@/lib/model/delivery';

const TICK_MS = 500;
const TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * HMAC-SHA256 over `${timestamp}.${body}` with the webhook's secret, hex: the
 * receiver recomputes it to know the delivery is ours and not replayed.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Delivers events to the configured webhooks: one delivery per event and
 * webhook (kept in the store, so restarts neither lose nor repeat one), POST
 * JSON signed with the webhook's secret, retried with doubling backoff.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly o: { store: NotifyStore; webhooks: readonly ResolvedWebhook[]; log: Logger; now?: () => number }) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.o.webhooks.length === 0) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Queues the event for every webhook that wants it; a repeated eventKey is ignored. */
  async enqueue(event: NotifyEvent, eventKey: string, payload: Record<string, unknown>): Promise<void> {
    const at = new Date(this.now()).toISOString();
    for (const hook of this.o.webhooks) {
      if (!hook.events.includes(event)) continue;
      const id = randomUUID();
      const body = JSON.stringify({ id, event, at, webhook: hook.id, ...payload });
      await this.o.store.addDelivery({
        id,
        webhookId: hook.id,
        event,
        eventKey,
        body,
        status: 'pending',
        createdAt: at,
        nextAttemptAt: at,
        deliveredAt: null,
        attempts: [],
      });
    }
    void this.tick();
  }

  /** Sends what is due; one pass at a time (a caller during a pass waits for it). */
  tick(): Promise<void> {
    this.pass ??= this.sendDue().finally(() => {
      this.pass = null;
    });
    return this.pass;
  }

  private async sendDue(): Promise<void> {
    try {
      for (const d of await this.o.store.dueDeliveries(new Date(this.now()).toISOString(), 50)) await this.attempt(d);
    } catch (e) {
      this.o.log.error({ err: e }, 'webhook pass failed');
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    const hook = this.o.webhooks.find((w) => w.id === d.webhookId);
    if (!hook) return this.o.store.saveDelivery({ ...d, status: 'failed', nextAttemptAt: null });
    const timestamp = String(Math.floor(this.now() / 1000));
    let ok = false;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await sendRequest({
        method: 'POST',
        url: new URL(hook.url),
        body: d.body,
        ca: hook.ca,
        timeoutMs: TIMEOUT_MS,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'phaseboard-webhook',
          'X-Phaseboard-Event': d.event,
          'X-Phaseboard-Delivery': d.id,
          'X-Phaseboard-Timestamp': timestamp,
          'X-Phaseboard-Signature': signature(hook.secret, timestamp, d.body),
        },
      });
      status = res.status;
      ok = res.status >= 200 && res.status < 300;
      if (!ok) error = `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ''}`;
    } catch (e) {
      error = publicMessage(e);
    }
    const at = new Date(this.now()).toISOString();
    const attempts = [...d.attempts, { at, ok, status, error }];
    if (ok) return this.o.store.saveDelivery({ ...d, attempts, status: 'delivered', deliveredAt: at, nextAttemptAt: null });
    if (attempts.length >= hook.maxAttempts) {
      this.o.log.warn({ webhook: hook.id, delivery: d.id, error }, 'webhook delivery given up');
      return this.o.store.saveDelivery({ ...d, attempts, status: 'failed', nextAttemptAt: null });
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempts.length - 1));
    await this.o.store.saveDelivery({ ...d, attempts, nextAttemptAt: new Date(this.now() + backoff).toISOString() });
  }
}
