import 'server-only';
import { z } from 'zod';
import { connectionFields } from '../connection-schema';
import type { ConfigFiles, Resolved } from '../module';
import type { OpenStackAuth } from './client';

const Name = z.string().min(1).max(255);
const Microversion = z.string().regex(/^\d+\.\d+$/, 'a microversion such as 2.79');

/** A Keystone user's password (or a file holding it), scoped to a project. */
const PasswordAuth = z
  .object({
    type: z.literal('password'),
    username: Name,
    password: z.string().min(1).optional(),
    /** read the password from this file instead (kept out of the config) */
    passwordFile: z.string().min(1).optional(),
    userDomain: Name.default('Default'),
    project: Name,
    projectDomain: Name.default('Default'),
  })
  .strict()
  .refine((a) => a.password !== undefined || a.passwordFile !== undefined, { message: 'password or passwordFile is required', path: ['password'] });

/** An application credential: scoped to its project by Keystone, revocable, what operators prefer to hand a tool. */
const ApplicationCredentialAuth = z
  .object({
    type: z.literal('application_credential'),
    id: Name,
    secret: z.string().min(1).optional(),
    secretFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => a.secret !== undefined || a.secretFile !== undefined, { message: 'secret or secretFile is required', path: ['secret'] });

export const OpenStackConnectionConfig = z
  .object({
    ...connectionFields,
    engine: z.literal('openstack'),
    /** Keystone v3, e.g. https://keystone.example.com:5000/v3 */
    authUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://keystone.example.com:5000/v3' }),
    /** allow a plain http:// Keystone: the password and every token then cross the network in clear */
    insecure: z.boolean().default(false),
    auth: z.discriminatedUnion('type', [PasswordAuth, ApplicationCredentialAuth]),
    /** the catalog region to use; the first endpoint of each service otherwise */
    region: Name.optional(),
    interface: z.enum(['public', 'internal', 'admin']).default('public'),
    /** PEM file of the cloud's CA; TLS verification is never turned off */
    caFile: z.string().min(1).optional(),
    /** the cloud's nova.conf resize_confirm_window (s; 0: off, Nova's default): a move waiting longer for its confirm is a finding */
    resizeConfirmWindowS: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(0),
    /** send no microversion above these (a cloud that claims more than it does well) */
    microversionCap: z.object({ compute: Microversion.optional(), volume: Microversion.optional() }).strict().optional(),
  })
  .strict()
  .refine((c) => c.insecure || c.authUrl.startsWith('https:'), {
    message: 'must be https: the password and tokens would cross the network in clear (set "insecure": true for this connection to allow http)',
    path: ['authUrl'],
  });
export type OpenStackConnectionConfig = z.infer<typeof OpenStackConnectionConfig>;

/** A connection with its secret and CA read. */
export type OpenStackConnection = Resolved<OpenStackConnectionConfig> & { secret: OpenStackAuth; ca?: string };

/**
 * PHASEBOARD_OPENSTACK_AUTH_URL, _USERNAME, _PASSWORD / _PASSWORD_FILE,
 * _PROJECT, _USER_DOMAIN, _PROJECT_DOMAIN (or _APP_CRED_ID, _APP_CRED_SECRET /
 * _APP_CRED_SECRET_FILE), _REGION, _INTERFACE, _CA_FILE, _ID, _INSECURE.
 */
export function openstackFromEnv(env: Record<string, string | undefined>) {
  if (!env.PHASEBOARD_OPENSTACK_AUTH_URL) return {};
  const insecure = env.PHASEBOARD_OPENSTACK_INSECURE;
  const auth = env.PHASEBOARD_OPENSTACK_APP_CRED_ID
    ? {
        type: 'application_credential',
        id: env.PHASEBOARD_OPENSTACK_APP_CRED_ID,
        secret: env.PHASEBOARD_OPENSTACK_APP_CRED_SECRET,
        secretFile: env.PHASEBOARD_OPENSTACK_APP_CRED_SECRET_FILE,
      }
    : {
        type: 'password',
        username: env.PHASEBOARD_OPENSTACK_USERNAME,
        password: env.PHASEBOARD_OPENSTACK_PASSWORD,
        passwordFile: env.PHASEBOARD_OPENSTACK_PASSWORD_FILE,
        project: env.PHASEBOARD_OPENSTACK_PROJECT,
        ...(env.PHASEBOARD_OPENSTACK_USER_DOMAIN ? { userDomain: env.PHASEBOARD_OPENSTACK_USER_DOMAIN } : {}),
        ...(env.PHASEBOARD_OPENSTACK_PROJECT_DOMAIN ? { projectDomain: env.PHASEBOARD_OPENSTACK_PROJECT_DOMAIN } : {}),
      };
  return {
    connection: {
      id: env.PHASEBOARD_OPENSTACK_ID ?? 'openstack',
      engine: 'openstack',
      authUrl: env.PHASEBOARD_OPENSTACK_AUTH_URL,
      auth,
      ...(env.PHASEBOARD_OPENSTACK_REGION ? { region: env.PHASEBOARD_OPENSTACK_REGION } : {}),
      ...(env.PHASEBOARD_OPENSTACK_INTERFACE ? { interface: env.PHASEBOARD_OPENSTACK_INTERFACE } : {}),
      ...(env.PHASEBOARD_OPENSTACK_CA_FILE ? { caFile: env.PHASEBOARD_OPENSTACK_CA_FILE } : {}),
      ...(insecure !== undefined
        ? { insecure: insecure === 'true' || insecure === '1' ? true : insecure === 'false' || insecure === '0' ? false : insecure }
        : {}),
    },
  };
}

export function resolveOpenStack(c: OpenStackConnectionConfig, files: ConfigFiles): OpenStackConnection {
  const a = c.auth;
  const secret: OpenStackAuth =
    a.type === 'password'
      ? {
          type: 'password',
          username: a.username,
          password: a.password ?? files.read('auth.passwordFile', a.passwordFile ?? '').trim(),
          userDomain: a.userDomain,
          project: a.project,
          projectDomain: a.projectDomain,
        }
      : { type: 'application_credential', id: a.id, secret: a.secret ?? files.read('auth.secretFile', a.secretFile ?? '').trim() };
  const ca = c.caFile ? files.read('caFile', c.caFile) : undefined;
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) files.fail('caFile', `${c.caFile} holds no PEM certificate`);
  return { ...c, secret, ca, simulated: false };
}

/** The secret a connection authenticates with: resolved, or (a simulator's connection) given inline. */
export function authOf(c: Resolved<OpenStackConnectionConfig> & { secret?: OpenStackAuth }): OpenStackAuth {
  if (c.secret) return c.secret;
  const a = c.auth;
  if (a.type === 'password') {
    return { type: 'password', username: a.username, password: a.password ?? '', userDomain: a.userDomain, project: a.project, projectDomain: a.projectDomain };
  }
  return { type: 'application_credential', id: a.id, secret: a.secret ?? '' };
}

export function redactOpenStack(c: OpenStackConnection) {
  const a = c.auth;
  return {
    id: c.id,
    engine: c.engine,
    authUrl: c.authUrl,
    auth:
      a.type === 'password'
        ? {
            type: a.type,
            username: a.username,
            password: '[redacted]',
            passwordFile: a.passwordFile ?? null,
            userDomain: a.userDomain,
            project: a.project,
            projectDomain: a.projectDomain,
          }
        : { type: a.type, id: a.id, secret: '[redacted]', secretFile: a.secretFile ?? null },
    region: c.region ?? null,
    interface: c.interface,
    caFile: c.caFile ?? null,
    ca: c.ca ? `[PEM, ${c.ca.length} characters]` : null,
    microversionCap: c.microversionCap ?? null,
    pollIntervalMs: c.pollIntervalMs,
    timeoutMs: c.timeoutMs,
  };
}
