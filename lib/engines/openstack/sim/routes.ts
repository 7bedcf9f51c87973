import 'server-only';
import type { SimCloud } from './cloud';
import type { SimFault } from './model';
import type { RenderContext } from './render';

/** One API request after authentication and microversion negotiation. */
export interface SimRequest {
  method: string;
  /** the path below the service's versioned root, split: ['servers', '<id>', 'action'] */
  parts: string[];
  query: URLSearchParams;
  /** the JSON body; undefined when there was none */
  body: unknown;
  ctx: RenderContext;
  userId: string;
  cloud: SimCloud;
}

export interface Reply {
  status: number;
  /** undefined: an empty body (Nova's 202s) */
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const empty = (status: number): Reply => ({ status });
export const faultReply = (f: SimFault): Reply => ({ status: f.status, body: { [f.name]: { code: f.status, message: f.message } } });
export const notFound = (): Reply => faultReply({ status: 404, name: 'itemNotFound', message: 'The resource could not be found.' });
export const badRequest = (message: string): Reply => faultReply({ status: 400, name: 'badRequest', message });
/** The default policy refusing a member (oslo.policy's words). */
export const forbidden = (rule: string): Reply => faultReply({ status: 403, name: 'forbidden', message: `Policy doesn't allow ${rule} to be performed.` });

/** A JSON value as Python prints it, for the JSON-schema messages Nova and Cinder pass through ({'host': None}). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}
/** `%(value)s` of a value: a string as it is, anything else as Python prints it. */
export const pyStr = (v: unknown) => (typeof v === 'string' ? v : pyRepr(v));

/** Nova's body-validation message (nova/api/validation/validators.py). */
export const invalidField = (field: string, value: unknown, message: string) =>
  badRequest(`Invalid input for field/attribute ${field}. Value: ${pyStr(value)}. ${message}`);
export const invalidQuery = (param: string, value: unknown, message: string) =>
  badRequest(`Invalid input for query parameters ${param}. Value: ${pyStr(value)}. ${message}`);

/** jsonschema's additionalProperties message. */
export function additional(keys: string[]): string {
  const names = keys.map((k) => pyRepr(k)).join(', ');
  return `Additional properties are not allowed (${names} ${keys.length === 1 ? 'was' : 'were'} unexpected)`;
}

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** An ISO time as Nova reads changes-since (no zone: UTC); null when it is not one. */
export function parseIsoTime(s: string): number | null {
  if (!/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?([zZ]|[+-]\d\d:?\d\d)?$/.test(s)) return null;
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}
