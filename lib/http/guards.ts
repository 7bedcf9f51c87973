import 'server-only';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@/lib/errors/app-error';

/** The host name of a Host header value, without port or case ("[::1]:3000" → "[::1]"). */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d*$/, '');
}

/**
 * Only requests that name one of our own hosts are served: a page on
 * another site whose DNS name is rebound to this machine sends its own name
 * as Host, and is turned away here.
 */
export function checkHost(req: Request, allowedHosts: readonly string[]): void {
  const host = req.headers.get('host');
  if (!host) throw new AppError('misdirected', 'the request names no Host');
  const name = hostName(host);
  if (!allowedHosts.includes(name)) {
    throw new AppError(
      'misdirected',
      `host "${name}" is not served here; allowed: ${allowedHosts.join(', ')} (set PHASEBOARD_ALLOWED_HOSTS or PHASEBOARD_PUBLIC_URL)`,
    );
  }
}

/**
 * A change must come from a page of this phaseboard. Browsers say where a
 * request comes from (Origin, Sec-Fetch-Site) and a page cannot forge
 * either; a client that sends neither is not a browser, so not a page the
 * operator happens to visit.
 */
export function checkSameOrigin(req: Request, ownOrigins: readonly string[]): void {
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin') {
    throw new AppError('forbidden', `cross-site request refused (Sec-Fetch-Site: ${site}): changes are only accepted from phaseboard's own pages`);
  }
  const origin = req.headers.get('origin');
  if (origin === null) return;
  const host = req.headers.get('host') ?? '';
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    throw new AppError('forbidden', `request with Origin "${origin.slice(0, 100)}" refused`);
  }
  if (originHost !== host.toLowerCase() && !ownOrigins.includes(origin.toLowerCase())) {
    throw new AppError('forbidden', `request from ${origin.slice(0, 100)} refused: changes are only accepted from phaseboard's own pages`);
  }
}

/** State changes take JSON only: a cross-site form or a text/plain "simple request" cannot send it without a preflight. */
export function checkJsonContentType(req: Request): void {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AppError('unsupported_media_type', `Content-Type must be application/json${type ? `, not ${type}` : ''}`, { field: 'Content-Type' });
  }
}

/**
 * The address the server saw the request come from, as scripts/start.mjs
 * stamps it over whatever the client sent. Under another server (next dev,
 * next start) nobody overwrites the header, so it is not believed at all.
 */
export function peerAddress(req: Request): string | null {
  if (process.env.PHASEBOARD_SERVER !== 'start.mjs') return null;
  const raw = req.headers.get('x-phaseboard-peer');
  if (!raw) return null;
  return raw.startsWith('::ffff:') && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
}

/** A set of addresses and CIDR ranges ("10.0.0.0/8", "::1"). */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [addr = '', bits] = e.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

export function inList(list: BlockList, address: string | null): boolean {
  if (!address) return false;
  const type = isIP(address);
  return type !== 0 && list.check(address, type === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address: the peer, or, when the peer is a trusted proxy,
 * the nearest address in X-Forwarded-For that is not one of ours.
 */
export function clientAddress(req: Request, trustedProxies: BlockList | null): string | null {
  const peer = peerAddress(req);
  if (!trustedProxies || !inList(trustedProxies, peer)) return peer;
  const hops = (req.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => isIP(h) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) if (!inList(trustedProxies, hops[i]!)) return hops[i]!;
  return peer;
}
