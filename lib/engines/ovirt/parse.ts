import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';

// oVirt's JSON renders numbers and booleans as strings ("1073741824", "true");
// older versions send real ones. Accept both.
const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
    .transform(Number),
]);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const link = z.object({ id: z.string(), href: z.string().optional() });

export const OvirtDisk = z.object({
  id: z.string(),
  name: z.string().optional(),
  alias: z.string().optional(),
  status: z.string().optional(),
  provisioned_size: num.optional(),
  actual_size: num.optional(),
  initial_size: num.optional(),
  format: z.string().optional(),
});
export type OvirtDisk = z.infer<typeof OvirtDisk>;

export const OvirtImageTransfer = z.object({
  id: z.string(),
  phase: z.string(),
  direction: z.enum(['upload', 'download']).optional(),
  active: bool.optional(),
  transferred: num.optional(),
  inactivity_timeout: num.optional(),
  timeout_policy: z.string().optional(),
  format: z.string().optional(),
  // with ?follow=disk the disk is inlined; otherwise only its link
  disk: z.union([OvirtDisk, link]).optional(),
  image: link.optional(),
  host: z.object({ id: z.string(), name: z.string().optional() }).optional(),
});
export type OvirtImageTransfer = z.infer<typeof OvirtImageTransfer>;

// An empty collection is rendered as {} by oVirt: no `image_transfer` key.
export const OvirtImageTransferList = z.object({ image_transfer: z.array(OvirtImageTransfer).optional() });

/**
 * One audit-log entry of GET /api/events. `id` increases strictly (the
 * audit_log_id sequence); `time` is epoch ms in JSON (an ISO date in XML).
 */
export const OvirtEvent = z.object({
  id: num,
  code: num.optional(),
  description: z.string().optional(),
  severity: z.string().optional(),
  time: z.union([num, z.string()]).optional(),
});
export type OvirtEvent = z.infer<typeof OvirtEvent>;

// Newest first; an empty list is rendered as {}.
export const OvirtEventList = z.object({ event: z.array(OvirtEvent).optional() });

export const OvirtApiRoot = z.object({
  product_info: z
    .object({
      version: z.object({ major: num, minor: num, build: num.optional(), revision: num.optional() }).partial().optional(),
      name: z.string().optional(),
    })
    .optional(),
});

export const SsoToken = z.object({ access_token: z.string().min(1), token_type: z.string().optional() });
export const SsoError = z.object({ error: z.string().optional(), error_code: z.string().optional() });
export const OvirtFault = z.object({ reason: z.string().optional(), detail: z.string().optional() });

/** Parses an engine payload or throws engine_payload naming the field at fault. */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || '(root)';
  throw new AppError('engine_payload', `unexpected ${what} from oVirt: ${field}: ${issue?.message ?? 'invalid'}`, {
    cause: r.error,
  });
}

/** The engine's own words from an error body, when it sent any. */
export function faultMessage(body: unknown): string | undefined {
  const fault = OvirtFault.safeParse(body);
  if (fault.success && (fault.data.detail || fault.data.reason)) {
    return [fault.data.reason, fault.data.detail].filter(Boolean).join(': ');
  }
  const sso = SsoError.safeParse(body);
  if (sso.success && sso.data.error) return sso.data.error;
  return undefined;
}
