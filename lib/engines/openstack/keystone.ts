import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { sendRequest } from '@/lib/http/json-request';
import type { OpenStackClientOptions, Service } from './client';
import { KeystoneToken, parseJson, parsePayload, refused } from './parse';

/** A Keystone v3 token with what phaseboard reads of it: roles, and the catalog's endpoints of Nova and Cinder. */
export interface Session {
  token: string;
  expiresAt: number;
  roles: string[];
  userId: string;
  projectId: string | null;
  endpoints: Partial<Record<Service, string>>;
}

/** Catalog types of each service, newest first (Cinder: block-storage, then volumev3, then v2's volume). */
const SERVICE_TYPES: Record<Service, string[]> = { compute: ['compute'], volume: ['block-storage', 'volumev3', 'volume'] };

/**
 * Authenticates with Keystone v3: a user's password scoped to a project, or
 * an application credential (which carries its own scope). Answers the
 * token with its roles and the endpoints of the chosen interface and region.
 */
export async function keystoneLogin(o: Pick<OpenStackClientOptions, 'authUrl' | 'auth' | 'interface' | 'region' | 'timeoutMs' | 'ca'>): Promise<Session> {
  const a = o.auth;
  const identity =
    a.type === 'password'
      ? { methods: ['password'], password: { user: { name: a.username, domain: { name: a.userDomain }, password: a.password } } }
      : { methods: ['application_credential'], application_credential: { id: a.id, secret: a.secret } };
  // an application credential carries its own project scope
  const scope = a.type === 'password' ? { project: { name: a.project, domain: { name: a.projectDomain } } } : undefined;
  const res = await sendRequest({
    method: 'POST',
    url: new URL(`${o.authUrl.replace(/\/+$/, '')}/auth/tokens`),
    body: JSON.stringify({ auth: { identity, ...(scope ? { scope } : {}) } }),
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    timeoutMs: o.timeoutMs,
    ca: o.ca,
  });
  const who = a.type === 'password' ? a.username : `application credential ${a.id}`;
  if (res.status !== 201 && res.status !== 200) {
    const err = refused(res, 'authentication', 'identity');
    throw new AppError('engine_refused', `Keystone refused ${who}: ${err.engineMessage ?? `HTTP ${res.status}`}`, { engineMessage: err.engineMessage });
  }
  const subject = res.headers['x-subject-token'];
  const token = Array.isArray(subject) ? subject[0] : subject;
  if (!token) throw new AppError('engine_payload', 'Keystone answered without an X-Subject-Token header');
  const body = parsePayload(KeystoneToken, parseJson(res, 'token'), 'token').token;
  const endpoints: Partial<Record<Service, string>> = {};
  for (const service of ['compute', 'volume'] as const) {
    // the newest type that has an endpoint of the chosen interface and region (block-storage before volumev3, before v2's volume)
    const fits = (e: { interface: string; region_id?: string | null; region?: string | null }) =>
      e.interface === o.interface && (!o.region || (e.region_id ?? e.region) === o.region);
    const ep = SERVICE_TYPES[service]
      .flatMap((type) => body.catalog.filter((c) => c.type === type))
      .flatMap((c) => c.endpoints)
      .find(fits);
    if (ep) endpoints[service] = ep.url;
  }
  return {
    token,
    expiresAt: Date.parse(body.expires_at),
    roles: body.roles.map((r) => r.name),
    userId: body.user.id,
    projectId: body.project?.id ?? null,
    endpoints,
  };
}
