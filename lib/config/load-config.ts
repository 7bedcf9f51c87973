import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import type { AnyEngineModule, ConnectionBase, Resolved } from '@/lib/engines/module';
import { ENGINES } from '@/lib/engines/registry';
import { AppError } from '@/lib/errors/app-error';
import { configFileSchema, type AuthConfig, type ConfigFile, type TriageConfig, type WebhookConfig } from './schema';

/** A connection ready to use, of any engine: secrets resolved, CA read. Server-side only. */
export type ResolvedConnection = Resolved<ConnectionBase> & Record<string, unknown>;

/** Login settings, secrets read. Server-side only. */
export interface ResolvedAuth {
  sessionHours: number;
  loginAttemptsPerMinute: number;
  oidc: (Omit<NonNullable<AuthConfig['oidc']>, 'clientSecretFile'> & { clientSecret: string }) | null;
  proxy: AuthConfig['proxy'] | null;
  /** an admin API token for provisioning tools (PHASEBOARD_ADMIN_TOKEN[_FILE]); never shown or logged */
  adminToken: string | null;
}

/** Where phaseboard is reached: the Host allow-list and the origins its own pages have. */
export interface ServerSettings {
  allowedHosts: string[];
  publicUrl: string | null;
  /** origins (scheme://host[:port], lower case) whose pages may change things, besides the request's own host */
  ownOrigins: string[];
}

/** A webhook ready to use: secret and CA read. Server-side only. */
export type ResolvedWebhook = WebhookConfig & { secret: string; ca?: string };

export interface PhaseboardConfig {
  dataDir: string;
  engines: ResolvedConnection[];
  /** each engine's settings section, by engine kind (libvirt: the URI rules) */
  engineSettings: Record<string, unknown>;
  server: ServerSettings;
  auth: ResolvedAuth;
  simulator: { enabled: boolean; mix: number; speed: number };
  triage: TriageConfig;
  webhooks: ResolvedWebhook[];
  /** where the config came from, for the health page */
  source: string;
}

type Env = Record<string, string | undefined>;

/**
 * Reads the config file (PHASEBOARD_CONFIG, or ./phaseboard.config.json when
 * present) and the environment (each engine's own variables, such as
 * PHASEBOARD_OVIRT_*), validates them, and throws invalid_config naming the
 * bad field.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd(), engines: readonly AnyEngineModule[] = ENGINES): PhaseboardConfig {
  const file = env.PHASEBOARD_CONFIG ?? (fs.existsSync(path.join(cwd, 'phaseboard.config.json')) ? 'phaseboard.config.json' : undefined);
  let raw: Record<string, unknown> = {};
  if (file) {
    const full = path.resolve(cwd, file);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch (e) {
      throw new AppError('invalid_config', `cannot read config file ${full}: ${(e as Error).message}`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new AppError('invalid_config', `config file ${full} is not valid JSON: ${(e as Error).message}`);
    }
  }
  // Each engine reads its own variables: a connection, and its settings section.
  const envSources: string[] = [];
  for (const m of engines) {
    const fromEnv = m.fromEnv?.(env) ?? {};
    if (fromEnv.connection) {
      raw = { ...raw, engines: [...((raw.engines as unknown[] | undefined) ?? []), fromEnv.connection] };
      envSources.push(`PHASEBOARD_${m.kind.toUpperCase()}_* variables`);
    }
    if (fromEnv.settings && Object.keys(fromEnv.settings).length)
      raw = { ...raw, [m.kind]: { ...((raw[m.kind] as object | undefined) ?? {}), ...fromEnv.settings } };
  }
  const simEnv = envSimulator(env);
  if (simEnv) raw = { ...raw, simulator: { ...((raw.simulator as object | undefined) ?? {}), ...simEnv } };
  if (env.PHASEBOARD_WEBHOOK_URL) {
    const hook = { id: 'env', url: env.PHASEBOARD_WEBHOOK_URL, secret: env.PHASEBOARD_WEBHOOK_SECRET, secretFile: env.PHASEBOARD_WEBHOOK_SECRET_FILE };
    const n = (raw.notifications as { webhooks?: unknown[] } | undefined) ?? {};
    raw = { ...raw, notifications: { ...n, webhooks: [...(n.webhooks ?? []), hook] } };
  }
  const serverEnv = {
    ...(env.PHASEBOARD_PUBLIC_URL ? { publicUrl: env.PHASEBOARD_PUBLIC_URL } : {}),
    ...(env.PHASEBOARD_ALLOWED_HOSTS
      ? {
          allowedHosts: env.PHASEBOARD_ALLOWED_HOSTS.split(',')
            .map((h) => h.trim())
            .filter(Boolean),
        }
      : {}),
  };
  if (Object.keys(serverEnv).length) raw = { ...raw, server: { ...((raw.server as object | undefined) ?? {}), ...serverEnv } };
  const attempts = envNumber(env, 'PHASEBOARD_LOGIN_ATTEMPTS_PER_MIN');
  if (attempts !== undefined) raw = { ...raw, auth: { ...((raw.auth as object | undefined) ?? {}), loginAttemptsPerMinute: attempts } };
  if (env.PHASEBOARD_TRUSTED_PROXIES) {
    const auth = (raw.auth as Record<string, unknown> | undefined) ?? {};
    const proxy = {
      ...((auth.proxy as object | undefined) ?? {}),
      trustedProxies: env.PHASEBOARD_TRUSTED_PROXIES.split(',')
        .map((a) => a.trim())
        .filter(Boolean),
      ...(env.PHASEBOARD_PROXY_HEADER ? { header: env.PHASEBOARD_PROXY_HEADER } : {}),
    };
    raw = { ...raw, auth: { ...auth, proxy } };
  }
  const triageEnv = envTriage(env);
  if (triageEnv) {
    const t = (raw.triage as Record<string, unknown> | undefined) ?? {};
    raw = { ...raw, triage: { ...t, ...triageEnv.top, expectedPhaseS: { ...((t.expectedPhaseS as object | undefined) ?? {}), ...triageEnv.phase } } };
  }

  const parsed = configFileSchema(engines).safeParse(raw);
  const where = [file && `config file ${file}`, ...envSources].filter(Boolean).join(' + ') || 'defaults';
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '') ?? '';
    throw new AppError('invalid_config', `invalid config (${where}): ${field || '(root)'}: ${issue?.message ?? 'invalid'}`, { field });
  }
  const c = parsed.data as ConfigFile;
  return {
    dataDir: path.resolve(cwd, env.PHASEBOARD_DATA_DIR ?? 'data'),
    engines: c.engines.map((e, i) => resolveConnection(engines, e, i, cwd)),
    engineSettings: Object.fromEntries(engines.map((m) => [m.kind, c[m.kind]])),
    server: serverSettings(c.server, env),
    auth: resolveAuth(c.auth, env, cwd),
    simulator: { enabled: c.simulator.enabled ?? c.engines.length === 0, mix: c.simulator.mix, speed: c.simulator.speed },
    triage: c.triage,
    webhooks: c.notifications.webhooks.map((w, i) => resolveWebhook(w, i, cwd)),
    source: where,
  };
}

function readFor(field: string, p: string, cwd: string): string {
  try {
    return fs.readFileSync(path.resolve(cwd, p), 'utf8');
  } catch (err) {
    throw new AppError('invalid_config', `invalid config: ${field}: cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      field,
    });
  }
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

function serverSettings(s: ConfigFile['server'], env: Env): ServerSettings {
  const listen = (env.HOST ?? '127.0.0.1').toLowerCase();
  const bracket = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  const publicUrl = s.publicUrl ? new URL(s.publicUrl) : null;
  const hosts = [
    'localhost',
    '127.0.0.1',
    '[::1]',
    ...(WILDCARD.has(listen) ? [] : [bracket(listen)]),
    ...(publicUrl ? [publicUrl.hostname] : []),
    ...s.allowedHosts,
  ];
  return {
    allowedHosts: [...new Set(hosts.map((h) => h.toLowerCase()))],
    publicUrl: publicUrl ? publicUrl.origin : null,
    ownOrigins: publicUrl ? [publicUrl.origin.toLowerCase()] : [],
  };
}

function resolveAuth(a: AuthConfig, env: Env, cwd: string): ResolvedAuth {
  const adminToken =
    env.PHASEBOARD_ADMIN_TOKEN ??
    (env.PHASEBOARD_ADMIN_TOKEN_FILE ? readFor('PHASEBOARD_ADMIN_TOKEN_FILE', env.PHASEBOARD_ADMIN_TOKEN_FILE, cwd).trim() : null);
  if (adminToken !== null && adminToken.length < 24) {
    throw new AppError('invalid_config', 'invalid config: PHASEBOARD_ADMIN_TOKEN must have at least 24 characters (e.g. openssl rand -hex 24)', {
      field: 'PHASEBOARD_ADMIN_TOKEN',
    });
  }
  let oidc: ResolvedAuth['oidc'] = null;
  if (a.oidc) {
    const { clientSecretFile, ...rest } = a.oidc;
    oidc = { ...rest, clientSecret: a.oidc.clientSecret ?? readFor('auth.oidc.clientSecretFile', clientSecretFile ?? '', cwd).trim() };
  }
  return { sessionHours: a.sessionHours, loginAttemptsPerMinute: a.loginAttemptsPerMinute, oidc, proxy: a.proxy ?? null, adminToken };
}

function resolveWebhook(w: WebhookConfig, i: number, cwd: string): ResolvedWebhook {
  const at = `notifications.webhooks[${i}]`;
  const secret = w.secret ?? readFor(`${at}.secretFile`, w.secretFile ?? '', cwd).trim();
  if (secret.length < 16)
    throw new AppError('invalid_config', `invalid config: ${at}.secretFile: the secret must have at least 16 characters`, { field: `${at}.secretFile` });
  const ca = w.caFile ? readFor(`${at}.caFile`, w.caFile, cwd) : undefined;
  return { ...w, secret, ca };
}

function resolveConnection(engines: readonly AnyEngineModule[], e: ConfigFile['engines'][number], i: number, cwd: string): ResolvedConnection {
  const at = (field: string) => `engines[${i}].${field}`;
  const files = {
    read: (field: string, p: string) => readFor(at(field), p, cwd),
    fail: (field: string, message: string): never => {
      throw new AppError('invalid_config', `invalid config: ${at(field)}: ${message}`, { field: at(field) });
    },
  };
  return engines.find((m) => m.kind === e.engine)!.resolve(e, files) as ResolvedConnection;
}

function envNumber(env: Env, key: string): number | undefined {
  const v = env[key];
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new AppError('invalid_config', `invalid config: ${key} must be a number, not "${v}"`);
  return Number(v);
}

function envTriage(env: Env) {
  const stall = envNumber(env, 'PHASEBOARD_TRIAGE_STALL_S');
  const finalizing = envNumber(env, 'PHASEBOARD_TRIAGE_FINALIZING_S');
  if (stall === undefined && finalizing === undefined) return undefined;
  return { top: stall === undefined ? {} : { stallAfterS: stall }, phase: finalizing === undefined ? {} : { finalizing } };
}

function envSimulator(env: Env) {
  const out: Record<string, unknown> = {};
  if (env.PHASEBOARD_SIMULATOR) {
    if (!['on', 'off'].includes(env.PHASEBOARD_SIMULATOR)) {
      throw new AppError('invalid_config', `invalid config: PHASEBOARD_SIMULATOR must be "on" or "off", not "${env.PHASEBOARD_SIMULATOR}"`);
    }
    out.enabled = env.PHASEBOARD_SIMULATOR === 'on';
  }
  for (const [key, field] of [
    ['PHASEBOARD_SIM_SPEED', 'speed'],
    ['PHASEBOARD_SIM_MIX', 'mix'],
  ] as const) {
    const v = envNumber(env, key);
    if (v !== undefined) out[field] = v;
  }
  return Object.keys(out).length ? out : undefined;
}
