import 'server-only';
import { z } from 'zod';
import { normalizeFingerprint } from '@/lib/http/json-request';
import { connectionFields } from '../connection-schema';
import type { ConfigFiles, Resolved } from '../module';

export const GanetiConnectionConfig = z
  .object({
    ...connectionFields,
    engine: z.literal('ganeti'),
    /** RAPI, e.g. https://cluster.example.com:5080 */
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://cluster.example.com:5080' }),
    /** allow a plain http:// RAPI: the password then crosses the network in clear */
    insecure: z.boolean().default(false),
    /** a RAPI user with the "write" option (read-only users cannot follow a job with /wait or act) */
    username: z.string().min(1).max(255),
    password: z.string().min(1).optional(),
    /** read the password from this file instead (kept out of the config) */
    passwordFile: z.string().min(1).optional(),
    /** SHA-256 fingerprint of the cluster's rapi.pem (Ganeti makes it self-signed): only that certificate is accepted */
    certSha256: z
      .string()
      .refine((v) => normalizeFingerprint(v) !== null, 'must be a SHA-256 fingerprint: 32 bytes of hex, e.g. AB:CD:…')
      .optional(),
    /** or a PEM file of the CA that signed the cluster's certificate; TLS verification is never turned off */
    caFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => c.password !== undefined || c.passwordFile !== undefined, { message: 'password or passwordFile is required', path: ['password'] })
  .refine((c) => c.insecure || c.url.startsWith('https:'), {
    message: 'must be https: the password would cross the network in clear (set "insecure": true for this connection to allow http)',
    path: ['url'],
  })
  .refine((c) => !(c.certSha256 && c.caFile), { message: 'give certSha256 or caFile, not both', path: ['certSha256'] });
export type GanetiConnectionConfig = z.infer<typeof GanetiConnectionConfig>;

/** A connection with its password and CA read. */
export type GanetiConnection = Resolved<GanetiConnectionConfig> & { secret: string; ca?: string };

/** PHASEBOARD_GANETI_URL, _USERNAME, _PASSWORD / _PASSWORD_FILE, _CERT_SHA256, _CA_FILE, _ID, _INSECURE. */
export function ganetiFromEnv(env: Record<string, string | undefined>) {
  if (!env.PHASEBOARD_GANETI_URL) return {};
  const insecure = env.PHASEBOARD_GANETI_INSECURE;
  return {
    connection: {
      id: env.PHASEBOARD_GANETI_ID ?? 'ganeti',
      engine: 'ganeti',
      url: env.PHASEBOARD_GANETI_URL,
      username: env.PHASEBOARD_GANETI_USERNAME,
      ...(env.PHASEBOARD_GANETI_PASSWORD ? { password: env.PHASEBOARD_GANETI_PASSWORD } : {}),
      ...(env.PHASEBOARD_GANETI_PASSWORD_FILE ? { passwordFile: env.PHASEBOARD_GANETI_PASSWORD_FILE } : {}),
      ...(env.PHASEBOARD_GANETI_CERT_SHA256 ? { certSha256: env.PHASEBOARD_GANETI_CERT_SHA256 } : {}),
      ...(env.PHASEBOARD_GANETI_CA_FILE ? { caFile: env.PHASEBOARD_GANETI_CA_FILE } : {}),
      ...(insecure !== undefined
        ? { insecure: insecure === 'true' || insecure === '1' ? true : insecure === 'false' || insecure === '0' ? false : insecure }
        : {}),
    },
  };
}

export function resolveGaneti(c: GanetiConnectionConfig, files: ConfigFiles): GanetiConnection {
  const secret = c.password ?? files.read('passwordFile', c.passwordFile ?? '').trim();
  const ca = c.caFile ? files.read('caFile', c.caFile) : undefined;
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) files.fail('caFile', `${c.caFile} holds no PEM certificate`);
  return { ...c, secret, ca, simulated: false };
}

export function redactGaneti(c: GanetiConnection) {
  return {
    id: c.id,
    engine: c.engine,
    url: c.url,
    username: c.username,
    password: '[redacted]',
    passwordFile: c.passwordFile ?? null,
    certSha256: c.certSha256 ?? null,
    caFile: c.caFile ?? null,
    ca: c.ca ? `[PEM, ${c.ca.length} characters]` : null,
    pollIntervalMs: c.pollIntervalMs,
    timeoutMs: c.timeoutMs,
  };
}
