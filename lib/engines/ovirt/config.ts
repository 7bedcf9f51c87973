import 'server-only';
import { z } from 'zod';
import { connectionFields } from '../connection-schema';
import type { ConfigFiles, Resolved } from '../module';

export const OvirtConnectionConfig = z
  .object({
    ...connectionFields,
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
  })
  .strict()
  .refine((c) => c.password !== undefined || c.passwordFile !== undefined, { message: 'password or passwordFile is required', path: ['password'] })
  .refine((c) => c.insecure || c.url.startsWith('https:'), {
    message: 'must be https: the SSO password would cross the network in clear (set "insecure": true for this connection to allow http)',
    path: ['url'],
  });
export type OvirtConnectionConfig = z.infer<typeof OvirtConnectionConfig>;

/** An oVirt connection with its password and CA read. */
export type OvirtConnection = Resolved<OvirtConnectionConfig> & { password: string; ca?: string };

/** PHASEBOARD_OVIRT_URL, _USERNAME, _PASSWORD / _PASSWORD_FILE, _CA_FILE, _ID, _INSECURE: one connection from the environment. */
export function ovirtFromEnv(env: Record<string, string | undefined>) {
  if (!env.PHASEBOARD_OVIRT_URL) return {};
  const insecure = env.PHASEBOARD_OVIRT_INSECURE;
  return {
    connection: {
      id: env.PHASEBOARD_OVIRT_ID ?? 'ovirt',
      engine: 'ovirt',
      url: env.PHASEBOARD_OVIRT_URL,
      username: env.PHASEBOARD_OVIRT_USERNAME,
      password: env.PHASEBOARD_OVIRT_PASSWORD,
      passwordFile: env.PHASEBOARD_OVIRT_PASSWORD_FILE,
      caFile: env.PHASEBOARD_OVIRT_CA_FILE,
      // a word the schema refuses names the variable's problem better than a silent false
      ...(insecure !== undefined
        ? { insecure: insecure === 'true' || insecure === '1' ? true : insecure === 'false' || insecure === '0' ? false : insecure }
        : {}),
    },
  };
}

export function resolveOvirt(c: OvirtConnectionConfig, files: ConfigFiles): OvirtConnection {
  const password = c.password ?? files.read('passwordFile', c.passwordFile ?? '').trim();
  const ca = c.caFile ? files.read('caFile', c.caFile) : undefined;
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) files.fail('caFile', `${c.caFile} holds no PEM certificate`);
  return { ...c, password, ca, simulated: false };
}

export function redactOvirt(e: OvirtConnection) {
  return {
    id: e.id,
    engine: e.engine,
    url: e.url,
    username: e.username,
    password: '[redacted]',
    passwordFile: e.passwordFile ?? null,
    caFile: e.caFile ?? null,
    ca: e.ca ? `[PEM, ${e.ca.length} characters]` : null,
    pollIntervalMs: e.pollIntervalMs,
    timeoutMs: e.timeoutMs,
  };
}
