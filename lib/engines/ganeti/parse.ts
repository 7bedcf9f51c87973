import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import type { RawResponse } from '@/lib/http/json-request';

/**
 * The shapes of what Ganeti's RAPI (version 2) answers, as recorded from a
 * real 3.0 cluster (fixtures/). Only the fields phaseboard reads are named;
 * the rest passes through. Times are [seconds, microseconds] pairs. A job id
 * Ganeti does not know answers 200 with every field null.
 */

const Timestamp = z.tuple([z.number(), z.number()]).nullable();

/** One log entry: [serial, [sec, usec], type, message]; the message is text for type "message". */
export const LogEntry = z.tuple([z.number().int().positive(), z.tuple([z.number(), z.number()]), z.string(), z.unknown()]);
export type LogEntry = z.infer<typeof LogEntry>;

const Opcode = z
  .object({
    OP_ID: z.string(),
    instance_name: z.string().optional(),
    instance_uuid: z.string().optional(),
    mode: z.string().nullable().optional(),
    target_node: z.string().nullable().optional(),
    iallocator: z.string().nullable().optional(),
    cleanup: z.boolean().optional(),
    allow_failover: z.boolean().optional(),
  })
  .loose();
export type Opcode = z.infer<typeof Opcode>;

/** GET /2/jobs?bulk=1 rows and GET /2/jobs/{id}: the last two fields only in the latter. */
export const Job = z
  .object({
    id: z.union([z.number(), z.string()]).transform(Number),
    ops: z.array(Opcode).nullable(),
    status: z.string().nullable(),
    summary: z.array(z.string()).nullable(),
    opstatus: z.array(z.string()).nullable(),
    received_ts: Timestamp,
    start_ts: Timestamp,
    end_ts: Timestamp,
    /** per opcode, its log entries; `[[]]` while a pre-hook runs */
    oplog: z.array(z.array(LogEntry)).nullable().optional(),
    /** per opcode: null (done), [class, [message, kind?]] (failed), or for a cancelled job its reason as a string */
    opresult: z.array(z.unknown()).nullable().optional(),
  })
  .loose();
export type Job = z.infer<typeof Job>;

export const JobList = z.array(Job);
/** GET /2/jobs: ids only, the cheap change check. */
export const JobIds = z.array(z.object({ id: z.union([z.number(), z.string()]).transform(Number) }).loose());

/** GET /2/jobs/{id}/wait: what changed, or `log_entries: []` and the same job_info when 10 s passed without a change. */
export const JobWait = z.object({ job_info: z.array(z.unknown()), log_entries: z.array(LogEntry) }).loose();
export type JobWait = z.infer<typeof JobWait>;

/** GET /2/instances?bulk=1 rows. `status` is Ganeti's word for config vs hypervisor (running, ERROR_down, ERROR_wrongnode, ADMIN_down …). */
export const Instance = z
  .object({
    name: z.string(),
    uuid: z.string(),
    status: z.string(),
    admin_state: z.string(),
    oper_state: z.boolean().nullable(),
    pnode: z.string(),
    snodes: z.array(z.string()),
    disk_template: z.string(),
    mtime: z.number().optional(),
  })
  .loose();
export type Instance = z.infer<typeof Instance>;
export const InstanceList = z.array(Instance);

export const Node = z
  .object({ name: z.string(), offline: z.boolean(), drained: z.boolean(), vm_capable: z.boolean().optional(), role: z.string().optional() })
  .loose();
export type Node = z.infer<typeof Node>;
export const NodeList = z.array(Node);

export const ClusterInfo = z.object({ name: z.string(), software_version: z.string(), master: z.string() }).loose();

/** PUT …/migrate and …/failover, DELETE /2/jobs/{id}: a job id as a bare number (or string); cancel answers [ok, message]. */
export const JobId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(Number);
export const CancelAnswer = z.tuple([z.boolean(), z.string()]);

/** Ganeti's error body: {code, message, explain}, the message HTML-escaped. */
const ErrorBody = z.object({ code: z.number(), message: z.string(), explain: z.string().optional() }).loose();

const ENTITIES: Record<string, string> = { '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };
export const unescapeHtml = (s: string) => s.replace(/&(quot|#x27|#39|lt|gt|amp);/g, (m) => ENTITIES[m] ?? m);

/** Ganeti's words in an error answer, unescaped. */
export function faultMessage(res: RawResponse): string {
  try {
    const b = ErrorBody.safeParse(JSON.parse(res.text));
    if (b.success) return unescapeHtml(b.data.message);
  } catch {
    // not JSON: the status says it
  }
  return res.text.trim().slice(0, 300) || `HTTP ${res.status}`;
}

/** Parses an answer, or says in an engine_payload error what did not match (an engine's bad answer is never a 500). */
export function parsePayload<T extends z.ZodType>(schema: T, what: string, res: RawResponse): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw new AppError('engine_payload', `${what}: Ganeti answered something that is not JSON`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0]!;
    throw new AppError('engine_payload', `${what}: unexpected answer at ${first.path.join('.') || '(top)'}: ${first.message}`);
  }
  return r.data;
}

/** An opcode's failure as Ganeti reports it: its class (OpPrereqError, OpExecError …), the message and, for some, a kind (environment_error, wrong_input …). */
export interface OpFailure {
  errorClass: string;
  message: string;
  kind: string | null;
}

export function opFailure(result: unknown): OpFailure | null {
  if (typeof result === 'string') return { errorClass: 'canceled', message: result, kind: null };
  if (!Array.isArray(result) || typeof result[0] !== 'string') return null;
  const body = result[1];
  const parts = Array.isArray(body) ? body : [body];
  return {
    errorClass: result[0],
    message: parts[0] === undefined || parts[0] === null ? result[0] : String(parts[0]),
    kind: typeof parts[1] === 'string' ? parts[1] : null,
  };
}

/** A log entry's text (progress entries carry objects; those are written as JSON). */
export const logText = (e: LogEntry) => (typeof e[3] === 'string' ? e[3] : JSON.stringify(e[3])).trim();
export const logAt = (e: LogEntry) => new Date(e[1][0] * 1000 + Math.floor(e[1][1] / 1000)).toISOString();
export const tsIso = (t: [number, number] | null) => (t ? new Date(t[0] * 1000 + Math.floor(t[1] / 1000)).toISOString() : null);
