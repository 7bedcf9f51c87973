import 'server-only';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { AppError, isAppError } from '@/lib/errors/app-error';

export interface JsonRequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** sent as-is; callers encode JSON or forms themselves */
  body?: string;
  timeoutMs: number;
  /** PEM bundle trusted in addition to nothing else: a custom CA replaces the system roots */
  ca?: string;
  /**
   * SHA-256 fingerprint of the one certificate to accept (AB:CD:… or hex), for
   * an engine with its own self-signed certificate (Ganeti's RAPI): the chain
   * is not checked, the exact certificate is, before a byte of the request is sent.
   */
  pinSha256?: string;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * The one HTTP primitive engine clients build on: node's http/https so a custom
 * CA can be given per connection, with a hard timeout. TLS verification is
 * never turned off here.
 */
export function sendRequest(options: JsonRequestOptions): Promise<RawResponse> {
  const { url } = options;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: options.method,
        headers: {
          ...(options.body !== undefined ? { 'Content-Length': Buffer.byteLength(options.body).toString() } : {}),
          ...options.headers,
        },
        ca: options.ca,
        ...(options.pinSha256 && url.protocol === 'https:' ? { agent: pinnedAgent(options.pinSha256) } : {}),
        timeout: options.timeoutMs,
        signal: options.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(unreachable(url, e)));
      },
    );
    req.on('timeout', () => {
      req.destroy(new AppError('timeout', `${url.host} did not answer within ${options.timeoutMs} ms`));
    });
    req.on('error', (e) => reject(isAppError(e) ? e : unreachable(url, e)));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Normalizes a fingerprint to upper-case hex pairs joined by colons, as node reports them; null when it is not 32 bytes. */
export function normalizeFingerprint(fp: string): string | null {
  const hex = fp.replace(/[:\s]/g, '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex.match(/../g)!.join(':') : null;
}

const pinnedAgents = new Map<string, https.Agent>();

/** An agent whose connections are handed to a request only once the server showed the pinned certificate. */
function pinnedAgent(pin: string): https.Agent {
  const want = normalizeFingerprint(pin);
  if (!want) throw new AppError('invalid_input', 'the certificate fingerprint must be 32 bytes of hex (AB:CD:…)');
  let agent = pinnedAgents.get(want);
  if (agent) return agent;
  // kept-alive connections were checked when they were made
  agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
  // Node checks a chain before it checks names, so a self-signed certificate needs the check done here instead.
  (agent as unknown as { createConnection: unknown }).createConnection = (
    o: tls.ConnectionOptions,
    done: (err: Error | null, socket?: tls.TLSSocket) => void,
  ): undefined => {
    const socket = tls.connect({ ...o, rejectUnauthorized: false });
    socket.once('error', (e) => done(e));
    socket.once('secureConnect', () => {
      const got = socket.getPeerCertificate().fingerprint256;
      if (got === want) return done(null, socket);
      socket.destroy();
      const e = Object.assign(new Error(`the server's certificate (SHA-256 ${got ?? 'none'}) is not the pinned one (${want})`), { code: 'CERT_PIN_MISMATCH' });
      done(e);
    });
    return undefined;
  };
  pinnedAgents.set(want, agent);
  return agent;
}

/** Node's codes for a certificate chain it could not trust. */
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_PIN_MISMATCH',
]);

function unreachable(url: URL, cause: Error): AppError {
  const code = (cause as NodeJS.ErrnoException).code;
  const detail = code ? `${code}: ${cause.message}` : cause.message;
  if (code && TLS_TRUST_CODES.has(code)) {
    // Verification stays on; say what to do instead of pointing at the network.
    const fix =
      code === 'CERT_PIN_MISMATCH' ? "check the pinned fingerprint against the engine's certificate" : "set caFile to the engine's CA certificate (PEM)";
    const message = `cannot verify ${url.host}'s TLS certificate: ${detail}; ${fix}`;
    return new AppError('engine_unreachable', message, { cause, engineMessage: detail });
  }
  return new AppError('engine_unreachable', `cannot reach ${url.host}: ${detail}`, { cause, engineMessage: detail });
}
