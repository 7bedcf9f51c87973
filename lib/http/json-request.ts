import 'server-only';
import http from 'node:http';
import https from 'node:https';
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
]);

function unreachable(url: URL, cause: Error): AppError {
  const code = (cause as NodeJS.ErrnoException).code;
  const detail = code ? `${code}: ${cause.message}` : cause.message;
  if (code && TLS_TRUST_CODES.has(code)) {
    // Verification stays on; say what to do instead of pointing at the network.
    const message = `cannot verify ${url.host}'s TLS certificate: ${detail}; set caFile to the engine's CA certificate (PEM)`;
    return new AppError('engine_unreachable', message, { cause, engineMessage: detail });
  }
  return new AppError('engine_unreachable', `cannot reach ${url.host}: ${detail}`, { cause, engineMessage: detail });
}
