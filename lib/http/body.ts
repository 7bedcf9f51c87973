import 'server-only';
import { AppError } from '@/lib/errors/app-error';

/** No request phaseboard takes needs more: a bigger body is refused before it is read whole. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Deeper than this, JSON is an attack on the parser (and on every recursive walk after it), not a request. */
const MAX_DEPTH = 32;

/**
 * The request body as JSON, read at most `limit` bytes: a declared length
 * over it is refused at once, a stream that grows past it is cut off.
 * Empty is {}; anything that does not parse, or nests too deep, is a 400.
 */
export async function readJsonBody(req: Request, limit = BODY_LIMIT_BYTES): Promise<unknown> {
  const text = await readJsonText(req, limit);
  return text.trim() === '' ? {} : JSON.parse(text);
}

/** The body's text, checked as readJsonBody checks it, for passing on unchanged. */
export async function readJsonText(req: Request, limit = BODY_LIMIT_BYTES): Promise<string> {
  const tooLarge = () => new AppError('payload_too_large', `the request body is larger than ${limit / 1024} KiB`, { field: '(body)' });
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError('invalid_input', 'request body is not valid UTF-8', { field: '(body)' });
  }
  if (text.trim() === '') return '';
  if (nestingDepth(text) > MAX_DEPTH) throw new AppError('invalid_input', `request body nests deeper than ${MAX_DEPTH} levels`, { field: '(body)' });
  try {
    JSON.parse(text);
  } catch {
    throw new AppError('invalid_input', 'request body is not valid JSON', { field: '(body)' });
  }
  return text;
}

/** The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}
