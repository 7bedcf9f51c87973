#!/usr/bin/env node
// Records real answers of the OpenStack test stack (scripts/openstack/up.sh)
// as parser fixtures: `node scripts/openstack/capture-fixtures.mjs [out-dir]`
// (default lib/engines/openstack/fixtures). It boots a server from a volume,
// live-migrates it (completed by force-complete, aborted, refused by a
// disabled destination), cold-migrates and resizes it, attaches volumes, and
// provokes 400/404/406/409 refusals, saving each answer as pretty JSON with
// passwords, secrets and tokens removed. SOURCE.txt lists how each file was
// captured. Everything it creates is deleted at the end. Needs the stack up
// (bash scripts/openstack/up.sh) and the npm packages (prettier formats the files).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STATE = process.env.PHASEBOARD_OPENSTACK_STATE || '/tmp/phaseboard-openstack';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = process.argv[2] || join(ROOT, 'lib/engines/openstack/fixtures');
const env = Object.fromEntries(
  readFileSync(join(STATE, 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const NOVA = env.COMPUTE_URL; // http://127.0.0.1:8774/v2.1
const NOVA_ROOT = NOVA.replace(/\/v2\.1$/, '');
const CINDER = env.VOLUME_URL; // http://127.0.0.1:8776/v3/<project>
const CINDER_ROOT = CINDER.replace(/\/v3\/.*$/, '');
const MV = { compute: '2.80', computeMax: '2.93', volume: '3.70' };
const [HOST1, HOST2] = [env.COMPUTE_HOST_1, env.COMPUTE_HOST_2];

const secrets = [env.ADMIN_PASSWORD, env.MEMBER_PASSWORD, env.APP_CRED_SECRET];
const manifest = [];
const t0 = Date.now();
const say = (msg) => console.error(`capture: [${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One request; returns { status, body }. `mv` is "compute 2.80" or "volume 3.70". */
async function call(method, url, { token, mv, body, expect = [200, 201, 202, 204] } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers['X-Auth-Token'] = token;
  if (mv) headers['OpenStack-API-Version'] = mv;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { _text: text };
  }
  if (!expect.includes(res.status)) throw new Error(`${method} ${url} (${mv ?? 'no microversion'}) answered ${res.status}: ${text.slice(0, 300)}`);
  return { status: res.status, body: json, headers: res.headers };
}

/** Removes what must not be kept: a server's adminPass, any known secret or token. */
function scrub(value) {
  const s = JSON.stringify(value, (k, v) => (k === 'adminPass' ? 'REMOVED' : v));
  let out = s;
  for (const secret of [...secrets, ...tokens]) if (secret) out = out.split(secret).join('REMOVED');
  return JSON.parse(out);
}
const tokens = [];

/** Saves one answer, and how it was asked, for SOURCE.txt. */
function save(name, { method = 'GET', url, mv, status, body, note }) {
  const file = `${name}.json`;
  writeFileSync(join(OUT, file), JSON.stringify(scrub(body), null, 2) + '\n');
  const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/\/v3\/[0-9a-f]{32}/, '/v3/{project_id}');
  manifest.push({ file, line: `${method} ${path} [${mv ? `OpenStack-API-Version: ${mv}` : 'no microversion header'}] -> ${status}`, note });
  say(`saved ${file} (${status})`);
}

/** GET and save in one go. */
async function get(name, url, opts = {}) {
  const r = await call('GET', url, { token, ...opts });
  save(name, { url, mv: opts.mv, status: r.status, body: r.body, note: opts.note });
  return r.body;
}

async function until(what, fn, ok, { timeout = 120000, every = 200 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 300)}`);
    await sleep(every);
  }
}

const nova = (path) => `${NOVA}${path}`;
const cinder = (path) => `${CINDER}${path}`;
const C = (v = MV.compute) => `compute ${v}`;
const V = (v = MV.volume) => `volume ${v}`;

// ------------------------------------------------------------------ tokens
async function auth(identity, scope) {
  const url = `${env.KEYSTONE_URL}/auth/tokens`;
  const r = await call('POST', url, { body: { auth: scope ? { identity, scope } : { identity } }, expect: [201] });
  tokens.push(r.headers.get('x-subject-token'));
  return { token: r.headers.get('x-subject-token'), body: r.body, url };
}
const scope = { project: { name: env.OS_PROJECT, domain: { name: env.OS_DOMAIN } } };
const admin = await auth(
  { methods: ['password'], password: { user: { name: env.ADMIN_USER, domain: { name: env.OS_DOMAIN }, password: env.ADMIN_PASSWORD } } },
  scope,
);
const token = admin.token;
const member = await auth(
  { methods: ['password'], password: { user: { name: env.MEMBER_USER, domain: { name: env.OS_DOMAIN }, password: env.MEMBER_PASSWORD } } },
  scope,
);
const appcred = await auth({ methods: ['application_credential'], application_credential: { id: env.APP_CRED_ID, secret: env.APP_CRED_SECRET } });

mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (f.endsWith('.json')) execFileSync('rm', ['-f', join(OUT, f)]);
const post = (url) => ({ method: 'POST', url, status: 201 });
save('keystone-token-password-admin', { ...post(admin.url), body: admin.body, note: 'body of the token; the token itself (X-Subject-Token) is not kept' });
save('keystone-token-password-member', { ...post(member.url), body: member.body, note: 'a member of the project: roles member, reader' });
save('keystone-token-application-credential', { ...post(appcred.url), body: appcred.body, note: "the admin's application credential" });

// ------------------------------------------------------------------ version documents
await get('nova-versions-root', `${NOVA_ROOT}/`, { token: undefined });
await get('nova-version-v2.1', `${NOVA_ROOT}/v2.1/`, { token: undefined });
const vroot = await call('GET', `${CINDER_ROOT}/`, { expect: [300] });
save('cinder-versions-root-300', { url: `${CINDER_ROOT}/`, status: 300, body: vroot.body, note: 'Cinder answers 300 Multiple Choices, unauthenticated' });
await get('cinder-version-v3', `${CINDER_ROOT}/v3/`, { note: '/v3/ needs a token (401 without)' });
const r406 = await call('GET', nova('/servers'), { token, mv: C('2.999'), expect: [406] });
save('nova-error-406-microversion-unsupported', { url: nova('/servers'), mv: C('2.999'), status: 406, body: r406.body });
const c404 = await call('GET', cinder('/attachments'), { token, mv: V('3.0'), expect: [404] });
save('cinder-error-404-attachments-at-v3.0', {
  url: cinder('/attachments'),
  mv: V('3.0'),
  status: 404,
  body: c404.body,
  note: 'the attachments API needs 3.27',
});

// ------------------------------------------------------------------ a server booted from a volume
say('booting a server from a volume');
const lmSecondsFile = env.LIVE_MIGRATION_SECONDS_FILE;
const lmSecondsBefore = readFileSync(lmSecondsFile, 'utf8');
writeFileSync(lmSecondsFile, '40\n');
const created = { volumes: [], servers: [], attachments: [] };

async function volume(name) {
  const r = await call('POST', cinder('/volumes'), { token, mv: V(), body: { volume: { size: 1, name } } });
  const id = r.body.volume.id;
  created.volumes.push(id);
  await until(
    `volume ${name} available`,
    async () => (await call('GET', cinder(`/volumes/${id}`), { token, mv: V() })).body.volume.status,
    (s) => s === 'available',
  );
  return { id, body: r.body };
}
const root = await volume('pbfix-root');
await call('POST', cinder(`/volumes/${root.id}/action`), { token, mv: V(), body: { 'os-set_bootable': { bootable: true } } });
const serverReq = {
  server: {
    name: 'pbfix-vm',
    flavorRef: env.FLAVOR_TINY,
    networks: 'none',
    host: HOST1,
    block_device_mapping_v2: [{ boot_index: 0, uuid: root.id, source_type: 'volume', destination_type: 'volume', delete_on_termination: true }],
  },
};
const boot = await call('POST', nova('/servers'), { token, mv: C(MV.computeMax), body: serverReq });
save('nova-server-create-202', {
  method: 'POST',
  url: nova('/servers'),
  mv: C(MV.computeMax),
  status: 202,
  body: boot.body,
  note: 'boot from volume on a named host (2.74+), networks "none"',
});
const sid = boot.body.server.id;
created.servers.push(sid);
const server = async (mv = C(MV.computeMax)) => (await call('GET', nova(`/servers/${sid}`), { token, mv })).body.server;
await until('server ACTIVE', server, (s) => s.status === 'ACTIVE' || s.status === 'ERROR');
if ((await server()).status !== 'ACTIVE') throw new Error('the server went to ERROR');
await get('nova-server-show-v2.93-active', nova(`/servers/${sid}`), { mv: C(MV.computeMax) });

// ------------------------------------------------------------------ live migration, watched
const migList = async (mv = C()) => (await call('GET', nova(`/os-migrations?instance_uuid=${sid}`), { token, mv })).body.migrations;
const latest = (migs) => migs.reduce((a, m) => (!a || m.id > a.id ? m : a), null);

const seenStatus = new Map();
/** Polls the instance's newest migration newer than `after` and the server; saves the first answer per label and migration status. */
async function watch(label, done, after) {
  if (!seenStatus.has(label)) seenStatus.set(label, new Set());
  const seen = seenStatus.get(label);
  const seenServer = new Set();
  const end = Date.now() + 180000;
  for (;;) {
    const url = nova(`/os-migrations?instance_uuid=${sid}`);
    const r = await call('GET', url, { token, mv: C() });
    const m = latest(r.body.migrations.filter((x) => x.id > after));
    if (m && !seen.has(m.status)) {
      seen.add(m.status);
      save(`nova-os-migrations-v2.80-instance-${label}-${m.status}`, {
        url,
        mv: C(),
        status: r.status,
        body: r.body,
        note: `first answer seen with status ${m.status} (polled every 100 ms)`,
      });
    }
    const s = await server();
    const key = `${s.status}-${s['OS-EXT-STS:task_state'] ?? 'none'}`;
    if (!seenServer.has(key)) {
      seenServer.add(key);
      say(`${label}: server ${key} on ${s['OS-EXT-SRV-ATTR:host']}, migration ${m?.status}`);
    }
    if (m && done(m)) return m;
    if (Date.now() > end) throw new Error(`${label}: still ${m?.status} after 180 s`);
    await sleep(100);
  }
}

say(`live migration ${HOST1} -> ${HOST2}, kept running 40 s by the fake driver, then force-completed`);
const lmBody = { 'os-migrateLive': { host: HOST2, block_migration: 'auto' } };
const newest = async () => (latest(await migList()) || { id: 0 }).id;
await call('POST', nova(`/servers/${sid}/action`), { token, mv: C(), body: lmBody });
const lm1 = await watch('live', (m) => ['running', 'completed', 'error', 'failed', 'cancelled'].includes(m.status), 0);
if (lm1.status !== 'running') throw new Error(`live migration ended ${lm1.status} before it was seen running`);
const mid = lm1.id;
await sleep(2500);
await get('nova-os-migrations-v2.80-live-running', nova('/os-migrations'), { mv: C(), note: 'every migration of the cloud, one of them running' });
await get('nova-os-migrations-default-live-running', nova('/os-migrations'), {
  note: 'no microversion header: 2.1 (no uuid, no links to the server migration)',
});
await get('nova-os-migrations-v2.59-changes-since-live-running', nova(`/os-migrations?changes-since=${encodeURIComponent(new Date(t0).toISOString())}`), {
  mv: C('2.59'),
});
await get('nova-server-show-v2.93-live-migrating', nova(`/servers/${sid}`), {
  mv: C(MV.computeMax),
  note: 'status MIGRATING, task_state migrating, host still the source',
});
await get('nova-server-show-default-live-migrating', nova(`/servers/${sid}`));
await get('nova-server-migrations-list-v2.80-running', nova(`/servers/${sid}/migrations`), { mv: C() });
const sm404 = await call('GET', nova(`/servers/${sid}/migrations`), { token, expect: [404] });
save('nova-error-404-server-migrations-at-default', { url: nova(`/servers/${sid}/migrations`), status: 404, body: sm404.body, note: 'the API needs 2.23' });
await get('nova-server-migration-show-v2.80-running-1', nova(`/servers/${sid}/migrations/${mid}`), { mv: C(), note: 'memory progress, first sample' });
await sleep(5000);
await get('nova-server-migration-show-v2.80-running-2', nova(`/servers/${sid}/migrations/${mid}`), { mv: C(), note: 'memory progress, 5 s later' });
await get('nova-server-migration-show-v2.23-running', nova(`/servers/${sid}/migrations/${mid}`), { mv: C('2.23'), note: '2.23: no uuid, user_id, project_id' });
const fc = await call('POST', nova(`/servers/${sid}/migrations/${mid}/action`), { token, mv: C(), body: { force_complete: null } });
save('nova-server-migration-force-complete-202', {
  method: 'POST',
  url: nova(`/servers/${sid}/migrations/${mid}/action`),
  mv: C(),
  status: fc.status,
  body: fc.body ?? {},
  note: 'empty body',
});
await watch('live', (m) => ['completed', 'error', 'failed', 'cancelled'].includes(m.status), mid - 1);
await get('nova-os-migrations-v2.80-live-completed', nova('/os-migrations'), { mv: C() });
await get('nova-os-migrations-default-live-completed', nova('/os-migrations'));
await get('nova-server-migrations-list-v2.80-completed-empty', nova(`/servers/${sid}/migrations`), { mv: C(), note: 'lists only in-progress live migrations' });
await get('nova-server-show-v2.93-after-live-migration', nova(`/servers/${sid}`), { mv: C(MV.computeMax), note: `ACTIVE on ${HOST2}` });

// refusals on a migration that is not running any more
const fc409 = await call('POST', nova(`/servers/${sid}/migrations/${mid}/action`), { token, mv: C(), body: { force_complete: null }, expect: [400, 409] });
save(`nova-error-${fc409.status}-force-complete-completed-migration`, {
  method: 'POST',
  url: nova(`/servers/${sid}/migrations/${mid}/action`),
  mv: C(),
  status: fc409.status,
  body: fc409.body,
});
const ab = await call('DELETE', nova(`/servers/${sid}/migrations/${mid}`), { token, mv: C(), expect: [400, 404, 409] });
save(`nova-error-${ab.status}-abort-completed-migration`, {
  method: 'DELETE',
  url: nova(`/servers/${sid}/migrations/${mid}`),
  mv: C(),
  status: ab.status,
  body: ab.body,
});

// ------------------------------------------------------------------ live migration aborted
say(`live migration ${HOST2} -> ${HOST1}, aborted while running`);
let after = await newest();
await call('POST', nova(`/servers/${sid}/action`), { token, mv: C(), body: { 'os-migrateLive': { host: HOST1, block_migration: 'auto' } } });
const lm2 = await watch('live-abort', (m) => m.status !== 'accepted' && m.status !== 'queued' && m.status !== 'preparing', after);
if (lm2.status === 'running') {
  await sleep(1500);
  const d = await call('DELETE', nova(`/servers/${sid}/migrations/${lm2.id}`), { token, mv: C() });
  save('nova-server-migration-abort-202', {
    method: 'DELETE',
    url: nova(`/servers/${sid}/migrations/${lm2.id}`),
    mv: C(),
    status: d.status,
    body: d.body ?? {},
    note: 'empty body',
  });
}
await watch('live-abort', (m) => ['completed', 'error', 'failed', 'cancelled'].includes(m.status), after);
const actions = await get('nova-instance-actions-list-v2.84-after-live-migrations', nova(`/servers/${sid}/os-instance-actions`), {
  mv: C('2.84'),
  note: 'newest first',
});
const lmActions = actions.instanceActions.filter((a) => a.action === 'live-migration');
const [abortedAction, completedAction] = lmActions;
const actionUrl = (a) => nova(`/servers/${sid}/os-instance-actions/${a.request_id}`);
await get('nova-instance-action-show-v2.84-live-migration-completed', actionUrl(completedAction), {
  mv: C('2.84'),
  note: 'events with host and hostId (2.62), details (2.84)',
});
await get('nova-instance-action-show-v2.84-live-migration-aborted', actionUrl(abortedAction), { mv: C('2.84') });
await get('nova-instance-action-show-default-live-migration-completed', actionUrl(completedAction));

// ------------------------------------------------------------------ live migration to a disabled destination
say(`live migration to a disabled ${HOST1}: error`);
const svcs = (await call('GET', nova(`/os-services?binary=nova-compute&host=${HOST1}`), { token, mv: C('2.53') })).body.services;
const svcUrl = nova(`/os-services/${svcs[0].id}`);
const dis = await call('PUT', svcUrl, { token, mv: C('2.53'), body: { status: 'disabled', disabled_reason: 'phaseboard fixture' } });
save('nova-os-services-disable-v2.53', { method: 'PUT', url: svcUrl, mv: C('2.53'), status: dis.status, body: dis.body });
try {
  after = await newest();
  const e = await call('POST', nova(`/servers/${sid}/action`), {
    token,
    mv: C(),
    body: { 'os-migrateLive': { host: HOST1, block_migration: 'auto' } },
    expect: [202, 400, 409],
  });
  if (e.status !== 202) {
    save(`nova-error-${e.status}-live-migrate-to-disabled-host`, {
      method: 'POST',
      url: nova(`/servers/${sid}/action`),
      mv: C(),
      status: e.status,
      body: e.body,
    });
  } else {
    await watch('live-disabled-dest', (m) => ['completed', 'error', 'failed', 'cancelled'].includes(m.status), after);
    await sleep(1000); // the action's events are finished a moment after the migration record
    const acts = (await call('GET', nova(`/servers/${sid}/os-instance-actions`), { token, mv: C('2.84') })).body.instanceActions;
    const failed = acts.find((a) => a.action === 'live-migration');
    await get('nova-instance-action-show-v2.84-live-migration-error', actionUrl(failed), { mv: C('2.84') });
  }
} finally {
  await call('PUT', svcUrl, { token, mv: C('2.53'), body: { status: 'enabled' } });
}

// ------------------------------------------------------------------ refusals: 400
const badHost = await call('POST', nova(`/servers/${sid}/action`), {
  token,
  mv: C(),
  body: { 'os-migrateLive': { host: 'no-such-host', block_migration: 'auto' } },
  expect: [400, 404, 409],
});
save(`nova-error-${badHost.status}-live-migrate-unknown-host`, {
  method: 'POST',
  url: nova(`/servers/${sid}/action`),
  mv: C(),
  status: badHost.status,
  body: badHost.body,
});
const badBody = await call('POST', nova(`/servers/${sid}/action`), {
  token,
  mv: C(),
  body: { 'os-migrateLive': { host: HOST1, block_migration: 'sometimes' } },
  expect: [400],
});
save('nova-error-400-live-migrate-invalid-body', {
  method: 'POST',
  url: nova(`/servers/${sid}/action`),
  mv: C(),
  status: 400,
  body: badBody.body,
  note: 'JSON schema validation',
});
const memberLm = await call('POST', nova(`/servers/${sid}/action`), { token: member.token, mv: C(), body: lmBody, expect: [403] });
save('nova-error-403-live-migrate-as-member', {
  method: 'POST',
  url: nova(`/servers/${sid}/action`),
  mv: C(),
  status: 403,
  body: memberLm.body,
  note: 'member token: live migration is admin-only by default policy',
});
const memberMig = await call('GET', nova('/os-migrations'), { token: member.token, mv: C(), expect: [403] });
save('nova-error-403-os-migrations-as-member', { url: nova('/os-migrations'), mv: C(), status: 403, body: memberMig.body });

// ------------------------------------------------------------------ cold migration, confirmed
const cold = async (label, action, finalStatuses) => {
  after = await newest();
  await call('POST', nova(`/servers/${sid}/action`), { token, mv: C(), body: action });
  return watch(label, (m) => finalStatuses.includes(m.status), after);
};
const here = (await server())['OS-EXT-SRV-ATTR:host'];
const there = here === HOST1 ? HOST2 : HOST1;
say(`cold migration ${here} -> ${there}, then confirmed`);
await cold('cold', { migrate: { host: there } }, ['finished', 'error', 'failed']);
await until('VERIFY_RESIZE', server, (s) => s.status === 'VERIFY_RESIZE');
await get('nova-server-show-v2.93-cold-migration-verify-resize', nova(`/servers/${sid}`), { mv: C(MV.computeMax) });
await get('nova-os-migrations-v2.80-cold-migration-waiting-confirm', nova('/os-migrations'), {
  mv: C(),
  note: 'the cold migration waits for confirm (finished)',
});
const lmWhileResized = await call('POST', nova(`/servers/${sid}/action`), { token, mv: C(), body: lmBody, expect: [400, 409] });
save(`nova-error-${lmWhileResized.status}-live-migrate-while-verify-resize`, {
  method: 'POST',
  url: nova(`/servers/${sid}/action`),
  mv: C(),
  status: lmWhileResized.status,
  body: lmWhileResized.body,
});
await call('POST', nova(`/servers/${sid}/action`), { token, mv: C(), body: { confirmResize: null } });
await watch('cold', (m) => ['confirmed', 'error'].includes(m.status), after);
await until('ACTIVE', server, (s) => s.status === 'ACTIVE');
const conf409 = await call('POST', nova(`/servers/${sid}/action`), { token, mv: C(), body: { confirmResize: null }, expect: [400, 409] });
save(`nova-error-${conf409.status}-confirm-resize-not-resized`, {
  method: 'POST',
  url: nova(`/servers/${sid}/action`),
  mv: C(),
  status: conf409.status,
  body: conf409.body,
});

// ------------------------------------------------------------------ resize, reverted
say('resize to flavor small, then reverted');
await cold('resize', { resize: { flavorRef: env.FLAVOR_SMALL } }, ['finished', 'error', 'failed']);
await until('VERIFY_RESIZE', server, (s) => s.status === 'VERIFY_RESIZE');
await get('nova-server-show-v2.93-resize-verify-resize', nova(`/servers/${sid}`), { mv: C(MV.computeMax), note: 'flavor small while waiting for confirm' });
await get('nova-os-migrations-v2.80-resize-waiting-confirm', nova('/os-migrations'), { mv: C() });
await call('POST', nova(`/servers/${sid}/action`), { token, mv: C(), body: { revertResize: null } });
await watch('resize', (m) => ['reverted', 'error'].includes(m.status), after);
await until('ACTIVE', server, (s) => s.status === 'ACTIVE');
await get('nova-os-migrations-v2.80-after-all-flows', nova('/os-migrations'), {
  mv: C(),
  note: 'live (completed, cancelled, error), cold (confirmed), resize (reverted)',
});
await get('nova-os-migrations-v2.80-filtered-live-migration', nova(`/os-migrations?migration_type=live-migration&instance_uuid=${sid}`), { mv: C() });
await get('nova-os-migrations-v2.80-paged-limit-2', nova('/os-migrations?limit=2'), {
  mv: C(),
  note: '2.59+: newest first, migrations_links to the next page',
});
await get('nova-instance-actions-list-v2.84-after-all-flows', nova(`/servers/${sid}/os-instance-actions`), { mv: C('2.84') });

// ------------------------------------------------------------------ volumes and attachments
say('a reserved attachment made through Cinder, and a volume attached through Nova');
const data1 = await volume('pbfix-reserved');
const att = await call('POST', cinder('/attachments'), { token, mv: V('3.27'), body: { attachment: { volume_uuid: data1.id, instance_uuid: sid } } });
save('cinder-attachment-create-v3.27-reserved', {
  method: 'POST',
  url: cinder('/attachments'),
  mv: V('3.27'),
  status: att.status,
  body: att.body,
  note: 'no connector: the attachment stays reserved',
});
created.attachments.push(att.body.attachment.id);
await get('cinder-volume-show-v3.70-reserved', cinder(`/volumes/${data1.id}`), { mv: V() });

const data2 = await volume('pbfix-data');
const volUrl = cinder(`/volumes/${data2.id}`);
const attUrl = cinder(`/attachments/detail?volume_id=${data2.id}`);
const seenVol = new Set();
const seenAtt = new Set();
// The volume is `attaching` for a few tens of milliseconds: two loops poll
// back to back (no pause) while Nova attaches; up to 4 attempts (detach, attach
// again) until the volume was seen reserved, attaching and in-use.
const attachWatched = async () => {
  let stop = false;
  const volLoop = async () => {
    while (!stop) {
      const v = await call('GET', volUrl, { token, mv: V() });
      const vs = v.body.volume.status;
      if (!seenVol.has(vs)) {
        seenVol.add(vs);
        const note = 'first answer with this status while Nova attaches (polled back to back)';
        save(`cinder-volume-show-v3.70-during-attach-${vs}`, { url: volUrl, mv: V(), status: v.status, body: v.body, note });
      }
      if (vs === 'in-use' || vs === 'error') stop = true;
    }
  };
  const attLoop = async () => {
    while (!stop) {
      const a = await call('GET', attUrl, { token, mv: V() });
      for (const x of a.body.attachments) {
        if (!seenAtt.has(x.status)) {
          seenAtt.add(x.status);
          save(`cinder-attachments-detail-v3.70-during-attach-${x.status}`, { url: attUrl, mv: V(), status: a.status, body: a.body });
        }
      }
    }
  };
  const loops = Promise.all([volLoop(), attLoop()]);
  const attached = await call('POST', nova(`/servers/${sid}/os-volume_attachments`), {
    token,
    mv: C(MV.computeMax),
    body: { volumeAttachment: { volumeId: data2.id } },
  });
  await Promise.race([loops, new Promise((r) => setTimeout(r, 60000).unref())]);
  stop = true;
  return attached;
};
let attached;
for (let attempt = 1; attempt <= 4; attempt++) {
  attached = await attachWatched();
  if (seenVol.has('attaching') && seenVol.has('reserved')) break;
  if (attempt === 4) break;
  say(`attach attempt ${attempt} did not see the volume attaching; detaching and trying again`);
  await call('DELETE', nova(`/servers/${sid}/os-volume_attachments/${data2.id}`), { token, mv: C(), expect: [202] });
  await until(
    'volume available again',
    async () => (await call('GET', volUrl, { token, mv: V() })).body.volume.status,
    (s) => s === 'available',
  );
}
save('nova-volume-attachment-create-v2.93', {
  method: 'POST',
  url: nova(`/servers/${sid}/os-volume_attachments`),
  mv: C(MV.computeMax),
  status: attached.status,
  body: attached.body,
});
await until(
  'in-use',
  async () => (await call('GET', volUrl, { token, mv: V() })).body.volume.status,
  (s) => s === 'in-use',
  { every: 50 },
);
await get('cinder-volume-show-v3.70-in-use', volUrl, { mv: V() });
await get('cinder-attachments-v3.70-reserved-and-attached', cinder('/attachments'), { mv: V(), note: 'summary list: the reserved one and the attached ones' });
await get('cinder-attachments-detail-v3.70-reserved-and-attached', cinder('/attachments/detail'), { mv: V() });
await get('cinder-attachments-detail-v3.27-reserved-and-attached', cinder('/attachments/detail'), { mv: V('3.27') });
await get('cinder-attachment-show-v3.70-attached', cinder(`/attachments/${(await call('GET', attUrl, { token, mv: V() })).body.attachments[0].id}`), {
  mv: V(),
});
await get('nova-volume-attachments-list-v2.89', nova(`/servers/${sid}/os-volume_attachments`), { mv: C('2.89') });
await get('cinder-volumes-detail-v3.70', cinder('/volumes/detail'), { mv: V() });
const memberReset = await call('POST', cinder(`/volumes/${data2.id}/action`), {
  token: member.token,
  mv: V(),
  body: { 'os-reset_status': { status: 'available' } },
  expect: [403],
});
save('cinder-error-403-reset-status-as-member', { method: 'POST', url: cinder(`/volumes/${data2.id}/action`), mv: V(), status: 403, body: memberReset.body });
const delAttached = await call('DELETE', cinder(`/volumes/${data2.id}`), { token, mv: V(), expect: [400, 409] });
save(`cinder-error-${delAttached.status}-delete-in-use-volume`, {
  method: 'DELETE',
  url: cinder(`/volumes/${data2.id}`),
  mv: V(),
  status: delAttached.status,
  body: delAttached.body,
});

// ------------------------------------------------------------------ live migration with volumes attached
say('live migration with volumes attached: Cinder holds a second attachment per volume for the destination');
const src = (await server())['OS-EXT-SRV-ATTR:host'];
const dst = src === HOST1 ? HOST2 : HOST1;
after = await newest();
await call('POST', nova(`/servers/${sid}/action`), { token, mv: C(), body: { 'os-migrateLive': { host: dst, block_migration: 'auto' } } });
const lmv = await watch('live-with-volumes', (m) => ['running', 'completed', 'error', 'failed', 'cancelled'].includes(m.status), after);
await get('cinder-attachments-detail-v3.70-during-live-migration', cinder('/attachments/detail'), {
  mv: V(),
  note: `migration running ${src} -> ${dst}: two attachments per attached volume (source and destination host)`,
});
await get('nova-volume-attachments-list-v2.89-during-live-migration', nova(`/servers/${sid}/os-volume_attachments`), { mv: C('2.89') });
if (lmv.status === 'running') await call('POST', nova(`/servers/${sid}/migrations/${lmv.id}/action`), { token, mv: C(), body: { force_complete: null } });
await watch('live-with-volumes', (m) => ['completed', 'error', 'failed', 'cancelled'].includes(m.status), after);
await until('ACTIVE', server, (s) => s.status === 'ACTIVE');
await get('cinder-attachments-detail-v3.70-after-live-migration', cinder('/attachments/detail'), {
  mv: V(),
  note: 'the source attachments are deleted: the attached volumes have new attachment ids',
});
await get('nova-volume-attachments-list-v2.89-after-live-migration', nova(`/servers/${sid}/os-volume_attachments`), { mv: C('2.89') });

// ------------------------------------------------------------------ clean up
say('cleaning up');
// The reserved attachment names an instance that exists: see what Cinder says to a user token without a service token.
const attDel = await call('DELETE', cinder(`/attachments/${created.attachments[0]}`), { token, mv: V(), expect: [200, 400, 403, 409] });
save(`cinder-attachment-delete-reserved-${attDel.status}`, {
  method: 'DELETE',
  url: cinder(`/attachments/${created.attachments[0]}`),
  mv: V(),
  status: attDel.status,
  body: attDel.body ?? {},
  note: 'admin token, no service token; the attachment was reserved through Cinder, Nova does not know it',
});
await call('DELETE', nova(`/servers/${sid}/os-volume_attachments/${data2.id}`), { token, mv: C(), expect: [202, 404] });
await until(
  'data volume detached',
  async () => (await call('GET', volUrl, { token, mv: V() })).body.volume.status,
  (s) => s === 'available',
);
for (const s of created.servers) await call('DELETE', nova(`/servers/${s}`), { token, expect: [204, 404] });
await until(
  'server gone',
  async () => (await call('GET', nova(`/servers/${sid}`), { token, expect: [200, 404] })).status,
  (s) => s === 404,
);
if (attDel.status !== 200) await call('DELETE', cinder(`/attachments/${created.attachments[0]}`), { token, mv: V(), expect: [200, 404] });
for (const v of created.volumes) await call('DELETE', cinder(`/volumes/${v}`), { token, mv: V(), expect: [202, 400, 404] });
writeFileSync(lmSecondsFile, lmSecondsBefore);

// ------------------------------------------------------------------ SOURCE.txt
// Formatted the way the repository's prettier check wants it (lint runs over lib/).
const prettier = await import('prettier');
const prettierOptions = (await prettier.resolveConfig(join(ROOT, 'lib/engines/openstack/fixtures/x.json'))) ?? {};
for (const f of readdirSync(OUT)) {
  if (!f.endsWith('.json')) continue;
  const text = readFileSync(join(OUT, f), 'utf8');
  writeFileSync(join(OUT, f), await prettier.format(text, { ...prettierOptions, filepath: f }));
}
for (const f of readdirSync(OUT)) {
  if (!f.endsWith('.json')) continue;
  const text = readFileSync(join(OUT, f), 'utf8');
  for (const s of [...secrets, ...tokens]) if (s && text.includes(s)) throw new Error(`${f} holds a secret or token`);
}
const pkgs = execFileSync(
  'dpkg-query',
  [
    '-W',
    '-f=${Package} ${Version}\n',
    'keystone',
    'python3-keystone',
    'python3-nova',
    'python3-placement',
    'python3-neutron',
    'python3-cinder',
    'uwsgi-plugin-python3',
  ],
  {
    encoding: 'utf8',
  },
);
const source = [
  `Real answers of OpenStack Zed (Debian 12 packages) recorded on ${new Date().toISOString().slice(0, 10)} against the test stack of`,
  'scripts/openstack/up.sh: Keystone, Placement, Nova with two computes (fake-1, fake-2) on the fake driver that up.sh writes,',
  'Neutron server, Cinder on cinder.tests.fake_driver.FakeLoggingVolumeDriver. Recorded by',
  '`node scripts/openstack/capture-fixtures.mjs` with the stack up (it rewrites every file here; it deletes its servers and volumes).',
  `Microversions of this cloud: compute ${env.COMPUTE_MICROVERSIONS}, volume ${env.VOLUME_MICROVERSIONS} (see the version documents).`,
  'Requests use the admin token scoped to project "phaseboard" unless a line says member. Passwords, the application credential',
  'secret, tokens and adminPass are replaced by REMOVED; ids, host names and times are the real ones. The fake driver keeps a live',
  'migration running 40 s, reporting memory progress (64 MiB, flavor tiny), unless force-complete or abort ends it sooner; the',
  'fake volume driver hands out iSCSI-looking connection info. "first answer seen with status X" files come from polling',
  'GET /os-migrations?instance_uuid= (2.80) every 100 ms while the flow ran.',
  '',
  'Packages:',
  ...pkgs
    .trim()
    .split('\n')
    .map((l) => `  ${l}`),
  '',
  'Files (request [microversion header] -> HTTP status):',
  ...manifest.flatMap((m) => [`- ${m.file}`, `    ${m.line}`, ...(m.note ? [`    ${m.note}`] : [])]),
  '',
];
writeFileSync(join(OUT, 'SOURCE.txt'), source.join('\n'));
say(`done: ${manifest.length} files in ${OUT}`);
