import 'server-only';
import { z } from 'zod';
import { ConnectionId } from '@/lib/engines/connection-schema';
import type { AnyEngineModule } from '@/lib/engines/module';
import { NotifyEvent } from '@/lib/model/delivery';

/** An IPv4 or IPv6 address, or a CIDR range of either. */
const AddressOrRange = z.string().regex(/^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+)(?:\/\d{1,3})?$/, 'must be an IP address or CIDR range such as 10.0.0.0/8');

export const ServerConfig = z
  .object({
    /** host names browsers may use for phaseboard besides localhost and the listen address (DNS rebinding defence) */
    allowedHosts: z
      .array(z.string().regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:]+\]$/, 'must be a host name or [IPv6] address, no port'))
      .max(64)
      .default([]),
    /** where people open phaseboard, e.g. https://phaseboard.example.com (login links, OpenID Connect redirects) */
    publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  })
  .strict();

const RoleName = z.enum(['viewer', 'operator', 'admin']);

export const OidcConfig = z
  .object({
    /** the provider's issuer URL; its /.well-known/openid-configuration is read */
    issuer: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    /** read the client secret from this file instead */
    clientSecretFile: z.string().min(1).optional(),
    scopes: z.array(z.string().regex(/^[\w:.-]+$/)).default(['openid', 'profile', 'email']),
    /** the claim that lists the user's groups or roles (a string or an array of strings) */
    roleClaim: z.string().min(1).default('groups'),
    /** which claim values give which role; the highest matching role wins, at every login */
    roles: z
      .object({ admin: z.array(z.string()).default([]), operator: z.array(z.string()).default([]), viewer: z.array(z.string()).default([]) })
      .strict()
      .default({ admin: [], operator: [], viewer: [] }),
    /** role of a user no value matches; absent: such a user may not log in */
    defaultRole: RoleName.optional(),
    /** the login button's label */
    label: z.string().min(1).max(60).default('Single sign-on'),
    /** allow a plain http issuer: tokens and the client secret then cross the network in clear */
    insecure: z.boolean().default(false),
  })
  .strict()
  .refine((o) => o.clientSecret !== undefined || o.clientSecretFile !== undefined, {
    message: 'clientSecret or clientSecretFile is required',
    path: ['clientSecret'],
  })
  .refine((o) => o.insecure || o.issuer.startsWith('https:'), { message: 'must be https (set "insecure": true to allow http)', path: ['issuer'] });

export const ProxyAuthConfig = z
  .object({
    /** the header a fronting proxy names the user in */
    header: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .default('X-Remote-User'),
    /** only requests from these addresses may name a user; everyone else's header is ignored */
    trustedProxies: z.array(AddressOrRange).min(1, 'list the proxy addresses whose header is trusted'),
    /** role of a proxied user who has no local account */
    defaultRole: RoleName.default('viewer'),
  })
  .strict();

export const AuthConfig = z
  .object({
    /** how long a login lasts */
    sessionHours: z.number().int().min(1).max(720).default(12),
    /** password logins one address may try per minute (then 429) */
    loginAttemptsPerMinute: z.number().int().min(1).max(1000).default(5),
    oidc: OidcConfig.optional(),
    proxy: ProxyAuthConfig.optional(),
  })
  .strict();
export type AuthConfig = z.infer<typeof AuthConfig>;

export const SimulatorConfig = z
  .object({
    /** default: on when no engine is configured */
    enabled: z.boolean().optional(),
    /** transfers the continuous mix keeps in flight (0: none) */
    mix: z.number().int().min(0).max(5000).default(6),
    /** time factor for every scenario (2 = twice as fast) */
    speed: z.number().positive().max(1000).default(1),
  })
  .strict();

export const TriageConfig = z
  .object({
    /** a running operation without progress this long is a finding */
    stallAfterS: z.number().int().min(5).max(86_400).default(60),
    /** how long a phase may last, by normalized state, until history teaches better */
    expectedPhaseS: z
      .object({
        pending: z.number().int().min(5).max(86_400).default(120),
        finalizing: z.number().int().min(5).max(86_400).default(120),
        running: z.number().int().min(5).max(604_800).default(1800),
      })
      .strict()
      .default({ pending: 120, finalizing: 120, running: 1800 }),
  })
  .strict();
export type TriageConfig = z.infer<typeof TriageConfig>;

export const WebhookConfig = z
  .object({
    id: ConnectionId,
    /** receives POST JSON; signed with HMAC-SHA256 of the body */
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    secret: z.string().min(16, 'use at least 16 characters').optional(),
    /** read the secret from this file instead (kept out of the config) */
    secretFile: z.string().min(1).optional(),
    events: z.array(NotifyEvent).min(1).default(['finding.critical', 'operation.failed']),
    /** PEM file of the receiver's CA; TLS verification is never turned off */
    caFile: z.string().min(1).optional(),
    /** attempts per delivery before it is given up (backoff doubles from 1 s, at most 60 s) */
    maxAttempts: z.number().int().min(1).max(20).default(6),
  })
  .strict()
  .refine((w) => w.secret !== undefined || w.secretFile !== undefined, { message: 'secret or secretFile is required', path: ['secret'] });
export type WebhookConfig = z.infer<typeof WebhookConfig>;

/**
 * The config file, from the engines phaseboard speaks: `engines` holds
 * connections of any of them, and each engine with settings has a section
 * named after it (`libvirt`: the URI rules).
 */
export function configFileSchema(engines: readonly AnyEngineModule[]) {
  const connection = z.discriminatedUnion('engine', engines.map((e) => e.connectionSchema) as never);
  const sections = Object.fromEntries(engines.filter((e) => e.settingsSchema).map((e) => [e.kind, (e.settingsSchema as z.ZodType).optional()]));
  return z
    .object({
      engines: z.array(connection).default([]),
      ...sections,
      server: ServerConfig.default({ allowedHosts: [] }),
      auth: AuthConfig.default({ sessionHours: 12, loginAttemptsPerMinute: 5 }),
      simulator: SimulatorConfig.default({ mix: 6, speed: 1 }),
      triage: TriageConfig.default({ stallAfterS: 60, expectedPhaseS: { pending: 120, finalizing: 120, running: 1800 } }),
      notifications: z
        .object({ webhooks: z.array(WebhookConfig).default([]) })
        .strict()
        .default({ webhooks: [] }),
    })
    .strict()
    .superRefine((c, ctx) => {
      const seen = new Set<string>();
      (c.engines as { id: string; engine: string }[]).forEach((e, i) => {
        if (seen.has(e.id)) ctx.addIssue({ code: 'custom', message: `duplicate connection id "${e.id}"`, path: ['engines', i, 'id'] });
        seen.add(e.id);
        // Checked before anything runs: a libvirt URI that would run a program must stop startup.
        const m = engines.find((x) => x.kind === e.engine);
        const problem = m?.check?.(e, (c as Record<string, unknown>)[e.engine]);
        if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: ['engines', i, problem.field] });
      });
    });
}
export type ConfigFile = {
  engines: ({ id: string; engine: string } & Record<string, unknown>)[];
  server: z.infer<typeof ServerConfig>;
  auth: AuthConfig;
  simulator: z.infer<typeof SimulatorConfig>;
  triage: TriageConfig;
  notifications: { webhooks: WebhookConfig[] };
} & Record<string, unknown>;
