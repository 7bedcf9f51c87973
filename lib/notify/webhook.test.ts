import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '@/lib/log/logger';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import { tempDir } from '@/lib/testing/temp-dir';
import { signature, WebhookDispatcher } from './webhook';

const SECRET = 'a-webhook-secret-of-some-length';

describe('WebhookDispatcher', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A receiver answering with the given statuses in turn (then 200), recording each request. */
  async function receiver(statuses: number[]) {
    const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.writeHead(statuses.shift() ?? 200).end('thanks');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
  }

  function dispatcher(url: string, maxAttempts = 6) {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const store = openSqliteStore(tempDir());
    cleanups.push(() => store.close());
    const d = new WebhookDispatcher({
      store,
      log: logger,
      now: () => t,
      webhooks: [{ id: 'ops', url, secret: SECRET, events: ['finding.critical', 'operation.failed'], maxAttempts }],
    });
    return { d, store, advance: (ms: number) => (t += ms) };
  }

  it('signs each delivery and retries a failing receiver with backoff until it takes it', async () => {
    const r = await receiver([503, 500]);
    const { d, store, advance } = dispatcher(r.url);
    await d.enqueue('finding.critical', 'finding:f1', { finding: { id: 'f1', title: 'Disk d1 is LOCKED' } });
    await d.tick();
    expect(r.got).toHaveLength(1);
    advance(999);
    await d.tick();
    expect(r.got).toHaveLength(1); // first backoff is 1 s
    advance(1);
    await d.tick();
    advance(2000);
    await d.tick();
    expect(r.got).toHaveLength(3);
    for (const { headers, body } of r.got) {
      expect(headers['x-phaseboard-event']).toBe('finding.critical');
      expect(headers['x-phaseboard-signature']).toBe(signature(SECRET, String(headers['x-phaseboard-timestamp']), body));
      expect(JSON.parse(body)).toMatchObject({ event: 'finding.critical', webhook: 'ops', finding: { id: 'f1' } });
    }
    expect(new Set(r.got.map((g) => g.headers['x-phaseboard-delivery'])).size).toBe(1);
    const [delivery] = await store.listDeliveries(10);
    expect(delivery?.status).toBe('delivered');
    expect(delivery?.attempts.map((a) => [a.ok, a.status])).toEqual([
      [false, 503],
      [false, 500],
      [true, 200],
    ]);
    expect(delivery?.attempts[0]?.error).toBe('HTTP 503: thanks');
  });

  it('delivers an event once per webhook, and gives up after maxAttempts', async () => {
    const r = await receiver([500, 500, 500]);
    const { d, store, advance } = dispatcher(r.url, 2);
    await d.enqueue('operation.failed', 'operation:o1', {});
    await d.enqueue('operation.failed', 'operation:o1', {});
    await d.tick();
    advance(1000);
    await d.tick();
    advance(60_000);
    await d.tick();
    expect(r.got).toHaveLength(2);
    const list = await store.listDeliveries(10);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'failed', nextAttemptAt: null });
  });

  it('names an unreachable receiver in the attempt', async () => {
    const { d, store } = dispatcher('http://127.0.0.1:1/hook');
    await d.enqueue('operation.failed', 'operation:o2', {});
    await d.tick();
    expect((await store.listDeliveries(1))[0]?.attempts[0]?.error).toMatch(/^cannot reach 127\.0\.0\.1:1: ECONNREFUSED/);
  });
});
