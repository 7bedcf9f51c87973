import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import type { RawResponse } from '@/lib/http/json-request';

/**
 * The shapes of what Keystone, Nova and Cinder answer, as recorded from a
 * real Zed cloud (fixtures/). Only the fields phaseboard reads are named;
 * the rest passes through. Nova's times carry no zone (they are UTC); Cinder
 * writes "" for an attachment time it has not set and "null" for an attach
 * mode it has not decided.
 */

const nullableString = z.string().nullable().optional();
const bytes = z.number().nonnegative().nullable().optional();

export const KeystoneToken = z.object({
  token: z.object({
    expires_at: z.string(),
    user: z.object({ id: z.string(), name: z.string() }).loose(),
    project: z.object({ id: z.string(), name: z.string() }).loose().optional(),
    roles: z.array(z.object({ id: z.string(), name: z.string() }).loose()).default([]),
    catalog: z
      .array(
        z
          .object({
            type: z.string(),
            name: z.string().optional(),
            endpoints: z.array(
              z
                .object({ interface: z.string(), region_id: z.string().nullable().optional(), region: z.string().nullable().optional(), url: z.string() })
                .loose(),
            ),
          })
          .loose(),
      )
      .default([]),
  }),
});
export type KeystoneToken = z.infer<typeof KeystoneToken>;

/** One API version document: GET /v2.1/ (Nova: `version`) or GET /v3/ (Cinder: `versions`). */
const ApiVersion = z.object({ id: z.string(), status: z.string().optional(), version: z.string(), min_version: z.string() }).loose();
export const VersionDocument = z.union([
  z.object({ version: ApiVersion }).transform((d) => d.version),
  z.object({ versions: z.array(ApiVersion).min(1) }).transform((d) => d.versions.find((v) => v.status === 'CURRENT') ?? d.versions[0]!),
]);

/** One row of GET /os-migrations (fields beyond 2.1 appear with their microversion). */
export const NovaMigration = z
  .object({
    id: z.number(),
    uuid: z.string().optional(),
    instance_uuid: z.string(),
    status: z.string(),
    migration_type: z.string().optional(),
    source_compute: nullableString,
    dest_compute: nullableString,
    source_node: nullableString,
    dest_node: nullableString,
    dest_host: nullableString,
    old_instance_type_id: z.number().nullable().optional(),
    new_instance_type_id: z.number().nullable().optional(),
    created_at: z.string(),
    updated_at: z.string().nullable(),
    project_id: nullableString,
    user_id: nullableString,
  })
  .loose();
export type NovaMigration = z.infer<typeof NovaMigration>;
/** `<list>_links`: Nova and Cinder cut a list at their page limit and name the next page here. */
const PageLinks = z.array(z.object({ href: z.string(), rel: z.string() }).loose()).optional();
export const hasNextPage = (links: { rel: string }[] | undefined) => (links ?? []).some((l) => l.rel === 'next');

export const NovaMigrationList = z.object({ migrations: z.array(NovaMigration), migrations_links: PageLinks });

/** GET /servers/{id}/migrations/{mid} (2.23+): a live migration in progress, with its byte counts. */
export const NovaServerMigration = z
  .object({
    id: z.number(),
    uuid: z.string().optional(),
    server_uuid: z.string(),
    status: z.string(),
    source_compute: nullableString,
    dest_compute: nullableString,
    memory_total_bytes: bytes,
    memory_processed_bytes: bytes,
    memory_remaining_bytes: bytes,
    disk_total_bytes: bytes,
    disk_processed_bytes: bytes,
    disk_remaining_bytes: bytes,
    created_at: z.string(),
    updated_at: z.string().nullable(),
  })
  .loose();
export type NovaServerMigration = z.infer<typeof NovaServerMigration>;
export const NovaServerMigrationShow = z.object({ migration: NovaServerMigration });
export const NovaServerMigrationList = z.object({ migrations: z.array(NovaServerMigration) });

export const NovaServer = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.string(),
    updated: z.string().optional(),
    'OS-EXT-STS:task_state': nullableString,
    'OS-EXT-STS:vm_state': nullableString,
    'OS-EXT-SRV-ATTR:host': nullableString,
    flavor: z.object({ original_name: z.string().optional(), id: z.string().optional() }).loose().optional(),
  })
  .loose();
export type NovaServer = z.infer<typeof NovaServer>;
export const NovaServerShow = z.object({ server: NovaServer });
export const NovaServerList = z.object({ servers: z.array(NovaServer), servers_links: PageLinks });

export const NovaInstanceActionEvent = z
  .object({ event: z.string(), start_time: nullableString, finish_time: nullableString, result: nullableString, details: nullableString, host: nullableString })
  .loose();
export const NovaInstanceAction = z
  .object({
    action: z.string(),
    request_id: z.string(),
    start_time: z.string(),
    message: nullableString,
    updated_at: nullableString,
    events: z.array(NovaInstanceActionEvent).optional(),
  })
  .loose();
export type NovaInstanceAction = z.infer<typeof NovaInstanceAction>;
export const NovaInstanceActionList = z.object({ instanceActions: z.array(NovaInstanceAction) });
export const NovaInstanceActionShow = z.object({ instanceAction: NovaInstanceAction });

export const NovaService = z
  .object({
    id: z.union([z.string(), z.number()]),
    binary: z.string(),
    host: z.string(),
    status: z.string(),
    state: z.string(),
    disabled_reason: nullableString,
  })
  .loose();
export const NovaServiceList = z.object({ services: z.array(NovaService) });

export const CinderAttachment = z
  .object({
    id: z.string(),
    status: z.string(),
    instance: z.string().nullable().optional(),
    volume_id: z.string(),
    attached_at: nullableString,
    detached_at: nullableString,
    attach_mode: nullableString,
  })
  .loose();
export type CinderAttachment = z.infer<typeof CinderAttachment>;
export const CinderAttachmentList = z.object({ attachments: z.array(CinderAttachment), attachments_links: PageLinks });
export const CinderAttachmentShow = z.object({ attachment: CinderAttachment });

export const CinderVolume = z
  .object({
    id: z.string(),
    name: z.string().nullable().optional(),
    status: z.string(),
    size: z.number().optional(),
    updated_at: nullableString,
    migration_status: nullableString,
    attachments: z
      .array(z.object({ attachment_id: z.string().optional(), server_id: z.string().optional(), host_name: nullableString, device: nullableString }).loose())
      .default([]),
  })
  .loose();
export type CinderVolume = z.infer<typeof CinderVolume>;
export const CinderVolumeList = z.object({ volumes: z.array(CinderVolume), volumes_links: PageLinks });
export const CinderVolumeShow = z.object({ volume: CinderVolume });

/** Parses an engine answer; a shape we do not know is an engine_payload error naming what was wrong. */
export function parsePayload<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new AppError(
    'engine_payload',
    `OpenStack answered ${what} in a shape phaseboard does not know (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`,
  );
}

/**
 * The words of a Nova or Cinder fault body: {"conflictingRequest": {"code": 409, "message": "…"}}
 * (Nova, Cinder), {"error": {"message": …}} (Keystone), or {"computeFault": …}.
 */
export function faultMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  for (const v of Object.values(body)) {
    if (typeof v === 'object' && v !== null && 'message' in v && typeof (v as { message: unknown }).message === 'string') {
      return (v as { message: string }).message.trim();
    }
  }
  return undefined;
}

/** Nova and Cinder write UTC times without a zone ("2026-11-21T23:18:41.000000"). */
export function utcMs(t: string | null | undefined): number | null {
  if (!t) return null;
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

export const utcIso = (t: string | null | undefined): string | null => {
  const ms = utcMs(t);
  return ms === null ? null : new Date(ms).toISOString();
};

/** An answer's JSON; anything else is an engine_payload error naming what was asked. */
export function parseJson(res: RawResponse, what: string): unknown {
  try {
    return JSON.parse(res.text);
  } catch (cause) {
    throw new AppError('engine_payload', `OpenStack answered ${what} with something that is not JSON`, { cause });
  }
}

/** An error status as an AppError that keeps the cloud's own words (Nova's 409 "… is in an invalid state for 'force_complete'"). */
export function refused(res: RawResponse, what: string, service: string): AppError {
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  const engineMessage = faultMessage(body) ?? (res.text.slice(0, 300).trim() || undefined);
  const code = res.status === 404 ? 'not_found' : res.status === 409 ? 'conflict' : 'engine_refused';
  return new AppError(code, `${service} refused ${what} (HTTP ${res.status})${engineMessage ? `: ${engineMessage}` : ''}`, { engineMessage });
}
