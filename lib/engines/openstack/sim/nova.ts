import 'server-only';
import type { SimFault, SimMigration, SimServer } from './model';
import { LIVE_IN_PROGRESS, instanceAction, migrationRow, server as renderServer, serverMigration, service as renderService } from './render';
import {
  additional,
  badRequest,
  empty,
  faultReply,
  forbidden,
  invalidField,
  invalidQuery,
  isObject,
  notFound,
  ok,
  parseIsoTime,
  pyRepr,
  type Reply,
  type SimRequest,
} from './routes';
import { IN_PROGRESS_EXCLUDED } from './state';

const BOOLS = [
  true,
  'True',
  'TRUE',
  'true',
  '1',
  'ON',
  'On',
  'on',
  'YES',
  'Yes',
  'yes',
  false,
  'False',
  'FALSE',
  'false',
  '0',
  'OFF',
  'Off',
  'off',
  'NO',
  'No',
  'no',
];
/** Nova's max_limit: the most one page of a list holds */
const MAX_LIMIT = 1000;

const instanceNotFound = (id: string) => faultReply({ status: 404, name: 'itemNotFound', message: `Instance ${id} could not be found.` });

/** Nova (compute 2.1–2.93), the part phaseboard uses: migrations, servers, instance actions, compute services. */
export function nova(r: SimRequest): Reply {
  const [a, b, c, d, e] = r.parts;
  const m = r.method;
  if (a === 'os-migrations' && !b && m === 'GET') return listMigrations(r);
  if (a === 'os-services') {
    if (m === 'GET' && !b) return listServices(r);
    if (m === 'PUT' && b && !c) return updateService(r, b);
  }
  if (a !== 'servers') return notFound();
  if (m === 'GET' && (b === 'detail' || !b) && !c) return listServers(r, b === 'detail');
  if (!b) return notFound();
  const s = r.cloud.server(b);
  if (m === 'GET' && !c) return s ? ok({ server: renderServer(s, r.ctx, r.cloud.userId) }) : instanceNotFound(b);
  if (m === 'POST' && c === 'action' && !d) return serverAction(r, b, s);
  if (c === 'os-instance-actions' && m === 'GET' && !e) {
    if (!s) return instanceNotFound(b);
    const actions = [...(r.cloud.st.actions.get(s.id) ?? [])].reverse().sort((x, y) => y.startTime - x.startTime);
    if (!d) return ok({ instanceActions: actions.map((x) => instanceAction(x, r.ctx, false)) });
    const one = actions.find((x) => x.requestId === d);
    return one ? ok({ instanceAction: instanceAction(one, r.ctx, true) }) : faultReply({ status: 404, name: 'itemNotFound', message: `Action ${d} not found` });
  }
  if (c === 'migrations') return serverMigrations(r, b, s, d, e);
  return notFound();
}

function listServers(r: SimRequest, detail: boolean): Reply {
  const all = r.query.get('all_tenants');
  if (all !== null && !['0', 'false', 'False'].includes(all) && !r.ctx.admin)
    return forbidden(`os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`);
  let servers = [...r.cloud.st.servers.values()].sort((x, y) => y.createdAt - x.createdAt || x.id.localeCompare(y.id));
  // one page of at most max_limit, and a next link when it is full, as Nova pages
  const marker = r.query.get('marker');
  if (marker !== null) {
    const at = servers.findIndex((x) => x.id === marker);
    if (at < 0) return badRequest(`marker [${marker}] not found`);
    servers = servers.slice(at + 1);
  }
  const limit = Math.min(Number(r.query.get('limit') ?? r.cloud.maxLimit), r.cloud.maxLimit);
  const page = servers.slice(0, limit);
  const body: Record<string, unknown> = {
    servers: detail
      ? page.map((s) => renderServer(s, r.ctx, r.cloud.userId))
      : page.map((s) => ({ id: s.id, links: renderServer(s, r.ctx, '').links, name: s.name })),
  };
  if (page.length === limit && servers.length > limit) {
    const params = new URLSearchParams([...r.query.entries()].filter(([k]) => k !== 'marker'));
    params.set('marker', page.at(-1)!.id);
    body.servers_links = [{ rel: 'next', href: `${r.ctx.base}/v2.1/servers${detail ? '/detail' : ''}?${params.toString()}` }];
  }
  return ok(body);
}

function listMigrations(r: SimRequest): Reply {
  if (!r.ctx.admin) return forbidden('os_compute_api:os-migrations:index');
  const v = r.ctx.v;
  const q = r.query;
  const paged = v >= 59;
  if (paged) {
    // from 2.59 the query schema is closed (before, anything passes and unknown filters are ignored)
    const known = ['hidden', 'host', 'instance_uuid', 'source_compute', 'status', 'migration_type', 'limit', 'marker', 'changes-since'];
    if (v >= 66) known.push('changes-before');
    if (v >= 80) known.push('user_id', 'project_id');
    const unknown = [...new Set(q.keys())].filter((k) => !known.includes(k));
    if (unknown.length) return badRequest(additional(unknown));
  }
  const times: Record<string, number> = {};
  for (const k of paged ? ['changes-since', ...(v >= 66 ? ['changes-before'] : [])] : []) {
    const raw = q.get(k);
    if (raw === null) continue;
    const t = parseIsoTime(raw);
    if (t === null) return invalidQuery(k, raw, `${pyRepr(raw)} is not a 'date-time'`);
    times[k] = t;
  }
  const limitRaw = paged ? q.get('limit') : null;
  if (limitRaw !== null && !/^[0-9]+$/.test(limitRaw)) return invalidQuery('limit', limitRaw, `${pyRepr(limitRaw)} does not match '^[0-9]*$'`);
  const eq = (k: string, x: string | null) => q.get(k) === null || q.get(k) === x;
  const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
  let list = [...r.cloud.st.migrations.values()].filter(
    (x) =>
      eq('instance_uuid', x.instanceUuid) &&
      eq('status', x.status) &&
      eq('migration_type', x.type) &&
      eq('source_compute', x.sourceCompute) &&
      (q.get('host') === null || x.sourceCompute === q.get('host') || x.destCompute === q.get('host')) &&
      (v < 80 || (eq('user_id', x.userId) && eq('project_id', x.projectId))) &&
      (times['changes-since'] === undefined || (x.updatedAt !== null && sec(x.updatedAt) >= times['changes-since'])) &&
      (times['changes-before'] === undefined || (x.updatedAt !== null && sec(x.updatedAt) <= times['changes-before'])),
  );
  if (!paged) return ok({ migrations: list.sort((x, y) => x.id - y.id).map((x) => migrationRow(x, r.ctx)) });
  const newer = (x: SimMigration, y: SimMigration) => sec(y.createdAt) - sec(x.createdAt) || y.id - x.id;
  list.sort(newer);
  const marker = q.get('marker');
  if (marker !== null) {
    const at = [...r.cloud.st.migrations.values()].find((x) => x.uuid === marker);
    if (!at) return badRequest(`Marker ${marker} could not be found.`);
    list = list.filter((x) => newer(at, x) < 0);
  }
  const limit = Math.min(limitRaw === null ? MAX_LIMIT : Number(limitRaw), MAX_LIMIT);
  list = list.slice(0, limit);
  const body: Record<string, unknown> = { migrations: list.map((x) => migrationRow(x, r.ctx)) };
  if (limit > 0 && list.length === limit) {
    const params = new URLSearchParams([...q.entries()].filter(([k]) => k !== 'marker').sort(([x], [y]) => x.localeCompare(y)));
    params.set('marker', list.at(-1)!.uuid);
    body.migrations_links = [{ rel: 'next', href: `${r.ctx.base}/v2.1/os-migrations?${params.toString()}` }];
  }
  return ok(body);
}

function serverMigrations(r: SimRequest, id: string, s: SimServer | undefined, mid: string | undefined, action: string | undefined): Reply {
  const v = r.ctx.v;
  const m = r.method;
  const verb =
    m === 'GET' ? (mid ? 'show' : 'index') : m === 'POST' && action === 'action' ? 'force_complete' : m === 'DELETE' && mid && !action ? 'delete' : null;
  const since = { index: 23, show: 23, force_complete: 22, delete: 24 } as const;
  if (!verb || (verb === 'index' && action) || (verb === 'show' && action) || v < since[verb]) return notFound();
  if (verb === 'force_complete' && !(isObject(r.body) && 'force_complete' in r.body && r.body.force_complete === null)) {
    return isObject(r.body) && 'force_complete' in r.body
      ? invalidField('force_complete', r.body.force_complete, `${pyRepr(r.body.force_complete)} is not of type 'null'`)
      : badRequest('There is no such action: ' + Object.keys(isObject(r.body) ? r.body : {}).join(''));
  }
  if (!s) return instanceNotFound(id);
  if (!r.ctx.admin) return forbidden(`os_compute_api:servers:migrations:${verb}`);
  if (verb === 'index') {
    const list = [...r.cloud.st.migrations.values()].filter(
      (x) => x.instanceUuid === s.id && x.type === 'live-migration' && !IN_PROGRESS_EXCLUDED.has(x.status),
    );
    return ok({ migrations: list.map((x) => serverMigration(x, r.ctx)) });
  }
  const n = /^\d+$/.test(mid ?? '') ? Number(mid) : -1;
  if (verb === 'show') {
    const x = r.cloud.st.migrations.get(n);
    const gone = (msg: string) => faultReply({ status: 404, name: 'itemNotFound', message: msg });
    if (!x || x.instanceUuid !== s.id) return gone(`In-progress live migration ${mid} is not found for server ${s.id}.`);
    if (x.type !== 'live-migration') return gone(`Migration ${mid} for server ${s.id} is not live-migration.`);
    if (!LIVE_IN_PROGRESS.has(x.status)) return gone(`Live migration ${mid} for server ${s.id} is not in progress.`);
    return ok({ migration: serverMigration(x, r.ctx) });
  }
  const f = verb === 'force_complete' ? r.cloud.forceComplete(s, n, r.userId) : r.cloud.abort(s, n, v >= 65, r.userId);
  return f ? faultReply(f) : empty(202);
}

/** POST /servers/{id}/action: the body's one key names the action; its schema is checked before the instance is looked up, as Nova does. */
function serverAction(r: SimRequest, id: string, s: SimServer | undefined): Reply {
  const body = isObject(r.body) ? r.body : {};
  const [name] = Object.keys(body);
  const arg = name === undefined ? undefined : body[name];
  const v = r.ctx.v;
  const admin = (rule: string): Reply | null => (r.ctx.admin ? null : forbidden(rule));
  const found = (): Reply | null => (s ? null : instanceNotFound(id));
  const done = (f: SimFault | null, status = 202) => (f ? faultReply(f) : empty(status));
  switch (name) {
    case 'os-migrateLive': {
      const bad = checkLiveMigrate(arg, v);
      if (bad) return bad;
      const host = (arg as { host: string | null }).host;
      return found() ?? admin('os_compute_api:os-migrate-server:migrate_live') ?? done(r.cloud.liveMigrate(s!, host, r.userId));
    }
    case 'migrate': {
      if (v >= 56 && arg !== null) {
        if (!isObject(arg)) return invalidField('migrate', arg, `${pyRepr(arg)} is not of type 'object', 'null'`);
        const extra = Object.keys(arg).filter((k) => k !== 'host');
        if (extra.length) return invalidField('migrate', arg, additional(extra));
      }
      // before 2.56 the body is not read: a host given is ignored
      const host = v >= 56 && isObject(arg) && typeof arg.host === 'string' ? arg.host : null;
      return found() ?? admin('os_compute_api:os-migrate-server:migrate') ?? done(r.cloud.migrate(s!, host, null, r.userId));
    }
    case 'resize': {
      const ref = isObject(arg) ? arg.flavorRef : undefined;
      if (typeof ref !== 'string' && typeof ref !== 'number') return invalidField('resize', arg, "'flavorRef' is a required property");
      const flavorId = /^\d+$/.test(String(ref)) ? Number(ref) : -1;
      return found() ?? done(r.cloud.migrate(s!, null, flavorId, r.userId));
    }
    case 'confirmResize':
    case 'revertResize':
      return found() ?? done(r.cloud.endResize(s!, name, r.userId), name === 'confirmResize' ? 204 : 202);
    case 'os-resetState': {
      const state = isObject(arg) ? arg.state : undefined;
      if (state !== 'active' && state !== 'error') return invalidField('state', state, `${pyRepr(state)} is not one of ['active', 'error']`);
      const refused = found() ?? admin('os_compute_api:os-admin-actions:reset_state');
      if (refused) return refused;
      r.cloud.resetState(s!, state);
      return empty(202);
    }
    default:
      return badRequest(`There is no such action: ${name ?? ''}`);
  }
}

/** The os-migrateLive schema of each microversion: disk_over_commit until 2.24, "auto" from 2.25, force 2.30–2.67. */
function checkLiveMigrate(arg: unknown, v: number): Reply | null {
  if (!isObject(arg)) return invalidField('os-migrateLive', arg, `${pyRepr(arg)} is not of type 'object'`);
  const allowed = ['host', 'block_migration', ...(v < 25 ? ['disk_over_commit'] : []), ...(v >= 30 && v < 68 ? ['force'] : [])];
  const required = ['block_migration', 'host', ...(v < 25 ? ['disk_over_commit'] : [])];
  const missing = required.find((k) => !(k in arg));
  if (missing) return invalidField('os-migrateLive', arg, `'${missing}' is a required property`);
  const extra = Object.keys(arg).filter((k) => !allowed.includes(k));
  if (extra.length) return invalidField('os-migrateLive', arg, additional(extra));
  const choices = v >= 25 ? [...BOOLS, 'auto'] : BOOLS;
  if (!choices.includes(arg.block_migration as string | boolean)) {
    return invalidField('block_migration', arg.block_migration, `${pyRepr(arg.block_migration)} is not one of ${pyRepr(choices)}`);
  }
  if (arg.host !== null && (typeof arg.host !== 'string' || !/^[a-zA-Z0-9-._]{1,255}$/.test(arg.host))) {
    return invalidField('host', arg.host, `${pyRepr(arg.host)} is not of type 'string', 'null'`);
  }
  return null;
}

function listServices(r: SimRequest): Reply {
  if (!r.ctx.admin) return forbidden('os_compute_api:os-services:list');
  const binary = r.query.get('binary');
  const host = r.query.get('host');
  const list = r.cloud.st.services.filter((x) => (binary === null || x.binary === binary) && (host === null || x.host === host));
  return ok({ services: list.map((x) => renderService(x, r.ctx)) });
}

/** PUT /os-services/{uuid} (2.53+), or before: PUT /os-services/enable | disable | disable-log-reason with host and binary. */
function updateService(r: SimRequest, id: string): Reply {
  if (!r.ctx.admin) return forbidden('os_compute_api:os-services:update');
  const body = isObject(r.body) ? r.body : {};
  const svcs = r.cloud.st.services;
  if (r.ctx.v < 53) {
    if (!['enable', 'disable', 'disable-log-reason'].includes(id)) return notFound();
    const svc = svcs.find((x) => x.host === body.host && x.binary === body.binary);
    if (!svc) return faultReply({ status: 404, name: 'itemNotFound', message: 'Unknown service' });
    Object.assign(svc, {
      status: id === 'enable' ? 'enabled' : 'disabled',
      disabledReason: id === 'disable-log-reason' ? String(body.disabled_reason ?? '') : null,
    });
    const out: Record<string, unknown> = { host: svc.host, binary: svc.binary, status: svc.status };
    if (id === 'disable-log-reason') out.disabled_reason = svc.disabledReason;
    return ok({ service: out });
  }
  const svc = svcs.find((x) => x.uuid === id);
  if ('status' in body && body.status !== 'enabled' && body.status !== 'disabled')
    return invalidField('status', body.status, `${pyRepr(body.status)} is not one of ['enabled', 'disabled']`);
  if (!svc) return faultReply({ status: 404, name: 'itemNotFound', message: `Service ${id} could not be found.` });
  if (!('status' in body) && !('forced_down' in body)) return badRequest("At least one of 'status' or 'forced_down' should be specified.");
  if (body.status === 'enabled' && 'disabled_reason' in body) return badRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
  if (body.status === 'enabled') Object.assign(svc, { status: 'enabled', disabledReason: null });
  if (body.status === 'disabled')
    Object.assign(svc, { status: 'disabled', disabledReason: typeof body.disabled_reason === 'string' ? body.disabled_reason : null });
  return ok({ service: renderService(svc, r.ctx) });
}
