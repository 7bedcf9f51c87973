import { createHmac } from 'node:crypto';
import http from 'node:http';

export const WEBHOOK_PORT = Number(process.env.E2E_WEBHOOK_PORT ?? 3219);
export const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';

export interface Received {
  delivery: string;
  event: string;
  timestamp: string;
  signature: string;
  body: string;
  /** what the receiver answered */
  status: number;
}

/** What a receiver computes to trust a delivery (README: HMAC-SHA256 of `${timestamp}.${body}`). */
export function expectedSignature(timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A webhook receiver that fails the first try of every delivery (503), then takes it. */
export async function startReceiver(): Promise<{ got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const delivery = String(req.headers['x-phaseboard-delivery'] ?? '');
      const status = got.some((g) => g.delivery === delivery) ? 200 : 503;
      got.push({
        delivery,
        event: String(req.headers['x-phaseboard-event'] ?? ''),
        timestamp: String(req.headers['x-phaseboard-timestamp'] ?? ''),
        signature: String(req.headers['x-phaseboard-signature'] ?? ''),
        body,
        status,
      });
      res.writeHead(status).end(status === 200 ? 'ok' : 'busy, try again');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(WEBHOOK_PORT, '127.0.0.1', resolve);
  });
  return { got, close: () => new Promise<void>((r) => server.close(() => r())) };
}
