import { z } from 'zod';

const ConnectionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes (it appears in operation ids)');

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
  });
export type OvirtConnectionConfig = z.infer<typeof OvirtConnectionConfig>;

export const LibvirtConnectionConfig = z
  .object({
    id: ConnectionId,
    engine: z.literal('libvirt'),
    /** any libvirt URI virsh accepts: qemu:///system, qemu+ssh://host/system, qemu+tls://host/system */
    uri: z.string().regex(/^[a-z]+(\+[a-z]+)?:\/\/[^\s]*\/(system|session)(\?\S*)?$/, 'must be a libvirt URI such as qemu:///system or qemu+ssh://host/system'),
    pollIntervalMs: PollInterval,
    timeoutMs: RequestTimeout,
  })
  .strict();
export type LibvirtConnectionConfig = z.infer<typeof LibvirtConnectionConfig>;

export const ConnectionConfig = z.discriminatedUnion('engine', [OvirtConnectionConfig, LibvirtConnectionConfig]);
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;

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

export const NotifyEvent = z.enum(['finding.critical', 'operation.failed']);
export type NotifyEvent = z.infer<typeof NotifyEvent>;

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
    simulator: SimulatorConfig.default({ mix: 6, speed: 1 }),
    triage: TriageConfig.default({ stallAfterS: 60, expectedPhaseS: { pending: 120, finalizing: 120, running: 1800 } }),
    notifications: z.object({ webhooks: z.array(WebhookConfig).default([]) }).strict().default({ webhooks: [] }),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.engines.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', message: `duplicate connection id "${e.id}"`, path: ['engines', i, 'id'] });
      seen.add(e.id);
    });
  });
export type ConfigFile = z.infer<typeof ConfigFile>;
