import 'server-only';
import { z } from 'zod';
import { isPlainAbsolutePath } from '@/lib/engines/libvirt/paths';
import { libvirtUriProblem } from '@/lib/engines/libvirt/uri';
import { NotifyEvent } from '@/lib/model/delivery';

const ConnectionId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes (it appears in operation ids)');

/** fast (≤ 1 s) while anything is in transition, slow (≥ 10 s) when idle */
const PollInterval = z
  .object({
    fast: z.number().int().min(100).max(1000).default(1000),
    slow: z.number().int().min(10_000).max(600_000).default(10_000),
  })
  .strict()
  .default({ fast: 1000, slow: 10_000 });
const RequestTimeout = z.number().int().min(1000).max(120_000).default(15_000);

export const OvirtConnectionConfig = z
  .object({
    id: ConnectionId,
    engine: z.literal('ovirt'),
    /** e.g. https://engine.example.com/ovirt-engine */
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://engine.example.com/ovirt-engine' }),
    /** allow a plain http:// URL: the SSO password then crosses the network in clear */
    insecure: z.boolean().default(false),
    username: z.string().min(1, 'is required, e.g. admin@internal'),
    password: z.string().min(1).optional(),
    /** read the password from this file instead (kept out of the config) */
    passwordFile: z.string().min(1).optional(),
    /** PEM file of the engine's CA; TLS verification is never turned off */
    caFile: z.string().min(1).optional(),
    pollIntervalMs: PollInterval,
    timeoutMs: RequestTimeout,
  })
  .strict()
  .refine((c) => c.password !== undefined || c.passwordFile !== undefined, {
    message: 'password or passwordFile is required',
    path: ['password'],
  })
  .refine((c) => c.insecure || c.url.startsWith('https:'), {
    message: 'must be https: the SSO password would cross the network in clear (set "insecure": true for this connection to allow http)',
    path: ['url'],
  });
export type OvirtConnectionConfig = z.infer<typeof OvirtConnectionConfig>;

const AbsoluteDir = z.string().refine(isPlainAbsolutePath, 'must be a plain absolute path such as /var/lib/libvirt/images');

export const LibvirtConnectionConfig = z
  .object({
    id: ConnectionId,
    engine: z.literal('libvirt'),
    /** qemu:///system, qemu+ssh://host/system, qemu+tls://host/system; checked against the libvirt URI rules */
    uri: z.string().min(1).max(1024),
    /** directories on the host block copies may write to; default: the source disk's directory */
    storageDirs: z.array(AbsoluteDir).max(32).optional(),
    pollIntervalMs: PollInterval,
    timeoutMs: RequestTimeout,
  })
  .strict();
export type LibvirtConnectionConfig = z.infer<typeof LibvirtConnectionConfig>;

export const ConnectionConfig = z.discriminatedUnion('engine', [OvirtConnectionConfig, LibvirtConnectionConfig]);
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;

/** Rules every libvirt URI (connections and migration destinations) is held to. */
export const LibvirtSettings = z
  .object({
    /** qemu+tcp is unencrypted and unauthenticated: refused unless this is true */
    allowTcp: z.boolean().default(false),
    /** keyfile=, known_hosts= and pkipath= may only point inside this directory */
    keyDir: AbsoluteDir.optional(),
  })
  .strict();
export type LibvirtSettings = z.infer<typeof LibvirtSettings>;

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

export const ConfigFile = z
  .object({
    engines: z.array(ConnectionConfig).default([]),
    libvirt: LibvirtSettings.default({ allowTcp: false }),
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
    const policy = { allowTcp: c.libvirt.allowTcp, keyDir: c.libvirt.keyDir ?? null };
    c.engines.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', message: `duplicate connection id "${e.id}"`, path: ['engines', i, 'id'] });
      seen.add(e.id);
      // Checked before anything runs: a URI libvirt would turn into a program must stop startup.
      const problem = e.engine === 'libvirt' ? libvirtUriProblem(e.uri, policy) : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['engines', i, 'uri'] });
    });
  });
export type ConfigFile = z.infer<typeof ConfigFile>;
