import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import { isInside, isPlainAbsolutePath } from './storage';

/**
 * What phaseboard lets a libvirt URI say. virsh hands the URI to libvirt,
 * and libvirt runs programs for some of it: the `ext` transport and the
 * `command=` / `netcat=` parameters run what they name, a user or host
 * starting with `-` becomes an ssh option, and `socket=` is pasted into a
 * shell command on the remote side of ssh. So the URI is parsed here and
 * only what runs nothing passes; everything else is refused, naming it.
 * https://libvirt.org/uri.html#remote-uris
 */
export interface LibvirtUriPolicy {
  /** qemu+tcp sends everything in clear, unauthenticated: only when the config allows it */
  allowTcp: boolean;
  /** where keyfile=, known_hosts= and pkipath= may point (absolute); none: those parameters are refused */
  keyDir: string | null;
}

export const DEFAULT_URI_POLICY: LibvirtUriPolicy = { allowTcp: false, keyDir: null };

export interface LibvirtUri {
  transport: 'local' | 'unix' | 'ssh' | 'libssh' | 'libssh2' | 'tls' | 'tcp';
  user: string | null;
  host: string | null;
  port: number | null;
  path: '/system' | '/session';
  params: Record<string, string>;
  /** libvirt runs on this machine (phaseboard can look at its files) */
  local: boolean;
}

const TRANSPORTS = ['unix', 'ssh', 'libssh', 'libssh2', 'tls', 'tcp'] as const;
const SHAPE =
  /^qemu(?:\+(?<transport>[a-z0-9]+))?:\/\/(?:(?<user>[^@/?#]*)@)?(?<host>\[[0-9a-fA-F:.]*\]|[^:/?#@]*)(?::(?<port>[^/?#]*))?(?<path>\/[^?#]*)(?:\?(?<query>[^#]*))?$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9a-fA-F:.]+\])$/;
const SSH_TRANSPORTS = new Set(['ssh', 'libssh', 'libssh2']);

type ParamRule = (value: string, uri: { transport: string }, policy: LibvirtUriPolicy) => string | null;

const oneOf =
  (...values: string[]): ParamRule =>
  (v) =>
    values.includes(v) ? null : `must be ${values.join(' or ')}`;

const inKeyDir: ParamRule = (v, _u, policy) => {
  if (!policy.keyDir) return 'is refused: no key directory is configured (libvirt.keyDir)';
  if (!isPlainAbsolutePath(v)) return 'must be a plain absolute path';
  return isInside(v, policy.keyDir) ? null : `must lie inside ${policy.keyDir}`;
};

/** Parameters that run nothing, and what each may say. */
const PARAMS: Record<string, ParamRule> = {
  // Verification stays on: no_verify=1 would skip the TLS certificate or ssh host key check.
  no_verify: (v) => (v === '0' ? null : 'must be 0: phaseboard does not turn off TLS or host key verification'),
  no_tty: oneOf('0', '1'),
  keyfile: inKeyDir,
  known_hosts: inKeyDir,
  pkipath: inKeyDir,
  // `auto` would accept a host key never seen before: verification stays on.
  known_hosts_verify: oneOf('normal'),
  sshauth: (v) =>
    v.split(',').every((m) => ['agent', 'privkey', 'password', 'keyboard-interactive'].includes(m))
      ? null
      : 'must list agent, privkey, password or keyboard-interactive',
  mode: oneOf('auto', 'legacy', 'direct'),
  // On a local unix transport the socket is only connected to; over ssh it would enter a remote shell.
  socket: (v, u) => (u.transport !== 'unix' ? 'is only allowed with qemu+unix' : isPlainAbsolutePath(v) ? null : 'must be a plain absolute path'),
};

const RUNS_PROGRAMS = new Set(['command', 'netcat', 'proxy', 'name', 'tls_priority']);

/** What is wrong with a URI, in words that name the part at fault. */
class UriProblem extends Error {}
const refuse = (message: string) => new UriProblem(message);

/**
 * Parses a libvirt URI under the policy, or throws invalid_input naming the
 * part at fault. `field` names the input in the message ("uri", "destinationUri").
 */
export function parseLibvirtUri(uri: string, policy: LibvirtUriPolicy, field = 'uri'): LibvirtUri {
  try {
    return parse(uri, policy);
  } catch (e) {
    if (e instanceof UriProblem) throw new AppError('invalid_input', `${field}: ${e.message}`, { field });
    throw e;
  }
}

/** Why the URI is refused under the policy, or null when it may be used (config validation). */
export function libvirtUriProblem(uri: string, policy: LibvirtUriPolicy): string | null {
  try {
    parse(uri, policy);
    return null;
  } catch (e) {
    if (e instanceof UriProblem) return e.message;
    throw e;
  }
}

function parse(uri: string, policy: LibvirtUriPolicy): LibvirtUri {
  if (uri.length > 1024) throw refuse('is too long');
  const m = SHAPE.exec(uri);
  if (!m?.groups) {
    throw refuse('must be a libvirt URI such as qemu:///system, qemu+ssh://user@host/system or qemu+tls://host/system');
  }
  const g = m.groups;
  const named = g.transport ?? 'local';
  if (named !== 'local' && !(TRANSPORTS as readonly string[]).includes(named)) {
    const runs = named === 'ext' ? ' (it runs a program)' : '';
    throw refuse(`transport "${named}" is not allowed${runs}; use qemu, qemu+ssh, qemu+tls or qemu+unix`);
  }
  const transport = named as LibvirtUri['transport'];
  if (transport === 'tcp' && !policy.allowTcp) {
    throw refuse('transport "tcp" is not allowed: it is unencrypted and unauthenticated (set libvirt.allowTcp in the config to permit it)');
  }
  const user = g.user === undefined ? null : g.user;
  const host = g.host ? g.host : null;
  if (user !== null && !USER.test(user)) throw refuse(`user "${user}" is not allowed: use letters, digits, dot, dash and underscore, not starting with a dash`);
  if (host !== null && !HOST.test(host)) throw refuse(`host "${host}" is not allowed: use a host name or IP address, not starting with a dash`);
  const remote = SSH_TRANSPORTS.has(transport) || transport === 'tls' || transport === 'tcp';
  if (remote && host === null) throw refuse(`qemu+${transport} needs a host`);
  if (!remote && (host !== null || user !== null || g.port !== undefined))
    throw refuse('a local URI (qemu:///… or qemu+unix:///…) takes no user, host or port');
  let port: number | null = null;
  if (g.port !== undefined) {
    if (!/^\d{1,5}$/.test(g.port) || Number(g.port) < 1 || Number(g.port) > 65535) throw refuse(`port "${g.port}" is not a port number`);
    port = Number(g.port);
  }
  if (g.path !== '/system' && g.path !== '/session') throw refuse(`path "${g.path}" is not allowed; use /system or /session`);
  const params: Record<string, string> = {};
  for (const pair of (g.query ?? '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(eq < 0 ? '' : pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      throw refuse(`parameter "${key}" is not valid URI encoding`);
    }
    const rule = PARAMS[key];
    if (!rule) {
      const why = RUNS_PROGRAMS.has(key) ? ' (it makes libvirt run or reach a program)' : '';
      throw refuse(`parameter "${key}" is not allowed${why}; allowed: ${Object.keys(PARAMS).join(', ')}`);
    }
    if (key in params) throw refuse(`parameter "${key}" is given twice`);
    const why = rule(value, { transport }, policy);
    if (why) throw refuse(`parameter "${key}" ${why}`);
    params[key] = value;
  }
  return { transport, user, host, port, path: g.path, params, local: !remote };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Where QEMU may send the guest's memory: the destination host itself (on
 * another of its addresses, a migration network, that would be a config
 * setting), or loopback when the destination is local. Anything else would
 * hand the memory to whoever listens there.
 */
export function checkMigrationUri(migrationUri: string | undefined, destinationHost: string | null): void {
  if (!migrationUri) return;
  const host = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)/.exec(migrationUri)?.[1]?.toLowerCase() ?? '';
  const ok = destinationHost === null ? LOOPBACK.has(host) : host === destinationHost.toLowerCase();
  if (!ok) {
    throw new AppError(
      'invalid_input',
      `migrationUri: ${host} is not the destination host (${destinationHost ?? 'this machine'}); QEMU sends the guest's memory there`,
      { field: 'migrationUri' },
    );
  }
}
