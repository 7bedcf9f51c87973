#!/usr/bin/env node
// Records real answers of the Ganeti test cluster (scripts/ganeti/up.sh) as
// parser fixtures: `node scripts/ganeti/capture-fixtures.mjs [out-dir]`
// (default lib/engines/ganeti/fixtures). Plain Node 20, no npm packages.
// With inst1.gnt.test running on node1 it reads the cluster, then live-migrates
// the instance (watched by polling GET /2/jobs/ID and by the /wait long-poll),
// holds a migration `running` with a pre-hook that sleeps (the 10-s unchanged
// /wait answer, and a second job cancelled while it waits for the lock),
// fails it over, runs cleanups (nothing wrong, dry run, the wrong-node state
// made by moving the fake hypervisor's state file, the instance running
// nowhere), makes a migration fail by stopping the target node's noded, and
// provokes 400/401/403/404 refusals. Each answer is saved as pretty JSON; the
// RAPI passwords are never written. SOURCE.txt lists how each was asked.
// The cluster is left as found: the instance running on node1, both noded
// running, no hook.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STATE = process.env.PHASEBOARD_GANETI_STATE || '/tmp/phaseboard-ganeti';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = process.argv[2] || join(ROOT, 'lib/engines/ganeti/fixtures');
const env = Object.fromEntries(
  readFileSync(join(STATE, 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const BASE = new URL(env.RAPI_URL);
const CA = readFileSync(env.RAPI_CERT_FILE);
const PIN = env.RAPI_CERT_SHA256;
const [NODE1, NODE2, INST] = [env.NODE1, env.NODE2, env.INSTANCE || 'inst1.gnt.test'];
const nodeNo = (node) => (node === NODE1 ? 1 : 2);
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const AUTH = basic(env.RAPI_USER, env.RAPI_PASSWORD);
const AUTH_RO = basic(env.RAPI_RO_USER, env.RAPI_RO_PASSWORD);
const secrets = [env.RAPI_PASSWORD, env.RAPI_RO_PASSWORD, AUTH.slice(6), AUTH_RO.slice(6)].filter(Boolean);

const manifest = [];
const t0 = Date.now();
const say = (msg) => console.error(`capture: [${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FINAL = ['success', 'error', 'canceled'];

/**
 * One RAPI request; resolves { status, body, text, ms }. TLS: the cluster's
 * RAPI certificate (up.sh copied it, without its key) is the only trusted CA,
 * so the chain is really verified. Only the name check is replaced: Ganeti
 * names every certificate it makes "ganeti.example.com" (X509_CERT_CN), not
 * the cluster or 127.0.0.1, so instead of the name we require the
 * certificate's SHA-256 fingerprint to be the pinned one.
 */
function call(method, path, { body, auth = AUTH, rawBody, expect = [200], timeout = 60000 } = {}) {
  const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  const headers = { Accept: 'application/json' };
  if (auth) headers.Authorization = auth;
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = Buffer.byteLength(payload);
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: BASE.hostname,
        port: BASE.port,
        path,
        method,
        headers,
        ca: CA,
        agent: false,
        timeout,
        checkServerIdentity: (_host, cert) =>
          cert.fingerprint256 === PIN ? undefined : new Error(`RAPI certificate ${cert.fingerprint256} is not the pinned ${PIN}`),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let json;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = { _text: text };
          }
          const out = { status: res.statusCode, body: json, text, ms: Date.now() - started };
          if (!expect.includes(res.statusCode)) reject(new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`));
          else resolve(out);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeout} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Removes what must not be kept (the passwords never appear in answers; this makes sure). */
function scrub(value) {
  let s = JSON.stringify(value);
  for (const secret of secrets) s = s.split(secret).join('REMOVED');
  return JSON.parse(s);
}

/** Saves one answer, and how it was asked, for SOURCE.txt. */
function save(name, { method = 'GET', path, reqBody, rawBody, status, body, note, user = 'write user' }) {
  const file = `${name}.json`;
  writeFileSync(join(OUT, file), JSON.stringify(scrub(body), null, 2) + '\n');
  const sent = rawBody !== undefined ? ` body ${rawBody}` : reqBody !== undefined ? ` body ${JSON.stringify(reqBody)}` : '';
  manifest.push({ file, line: `${method} ${path}${sent} [${user}] -> ${status}`, note });
  say(`saved ${file} (${status})`);
}

async function get(name, path, opts = {}) {
  const r = await call('GET', path, opts);
  save(name, { path, status: r.status, body: r.body, note: opts.note });
  return r.body;
}

/** PUT/POST that submits a job; saves the answer (the job id) and returns it. */
async function submit(name, method, path, reqBody, note) {
  const r = await call(method, path, { body: reqBody });
  save(name, { method, path, reqBody, status: r.status, body: r.body, note });
  return r.body;
}

const instance = async () => (await call('GET', `/2/instances/${INST}`)).body;
const job = async (id) => (await call('GET', `/2/jobs/${id}`)).body;
const maxSerial = (entries, prev) => entries.reduce((m, [serial]) => Math.max(m, serial), prev ?? -1);

async function until(what, fn, ok, { timeout = 60000, every = 200 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 300)}`);
    await sleep(every);
  }
}

/**
 * Follows a job two ways at once until it ends: GET /2/jobs/ID every 100 ms
 * and the /wait long-poll with the previous answer and log serial. With
 * `polls`, saves the first answer per job status as `<label>-job-<status>`
 * and the last `running` one (the most log entries) as
 * `<label>-job-running-last`; with `waits`, every /wait answer as
 * `<label>-wait-NN`; else only the final job as `<label>-job-<status>`.
 * Returns the final job.
 */
async function follow(label, id, { waitFields = ['status', 'opstatus'], polls = true, waits = false } = {}) {
  let done = false;
  const waiter = (async () => {
    let prevInfo = null;
    let prevSerial = null;
    for (let n = 1; n < 60; n++) {
      const reqBody = { fields: waitFields, previous_job_info: prevInfo, previous_log_serial: prevSerial };
      const r = await call('GET', `/2/jobs/${id}/wait`, { body: reqBody, timeout: 30000 });
      const name = `${label}-wait-${String(n).padStart(2, '0')}`;
      const unchanged = r.body === null || (r.body.log_entries.length === 0 && JSON.stringify(r.body.job_info) === JSON.stringify(prevInfo));
      if (waits)
        save(name, {
          path: `/2/jobs/${id}/wait`,
          reqBody,
          status: r.status,
          body: r.body,
          note: `answered after ${(r.ms / 1000).toFixed(1)} s${unchanged ? ', unchanged' : ''}`,
        });
      if (r.body) {
        prevInfo = r.body.job_info;
        prevSerial = maxSerial(r.body.log_entries, prevSerial ?? -1);
        if (prevSerial < 0) prevSerial = null;
        if (FINAL.includes(prevInfo[0])) return;
      }
      if (done && (!r.body || FINAL.includes(r.body.job_info[0]))) return;
    }
  })();
  const seen = new Set();
  let lastRunning = null;
  let final;
  for (;;) {
    const j = await job(id);
    if (polls && !seen.has(j.status)) {
      seen.add(j.status);
      save(`${label}-job-${j.status}`, {
        path: `/2/jobs/${id}`,
        status: 200,
        body: j,
        note: `first answer seen with status ${j.status} (polled every 100 ms)`,
      });
    }
    if (j.status === 'running') lastRunning = j;
    if (FINAL.includes(j.status)) {
      final = j;
      break;
    }
    await sleep(100);
  }
  done = true;
  if (polls && lastRunning && lastRunning.oplog.flat().length > 0)
    save(`${label}-job-running-last`, { path: `/2/jobs/${id}`, status: 200, body: lastRunning, note: 'the last answer seen with status running' });
  await waiter;
  if (!polls) save(`${label}-job-${final.status}`, { path: `/2/jobs/${id}`, status: 200, body: final });
  const secs = (ts) => ts[0] + ts[1] / 1e6;
  if (final.end_ts && final.received_ts)
    say(`${label}: job ${id} ${final.status} in ${(secs(final.end_ts) - secs(final.received_ts)).toFixed(2)} s, ${final.oplog.flat().length} log entries`);
  return final;
}

const IN = env.IN;
const inNode = (node, ...cmd) => execFileSync(IN, [String(nodeNo(node)), ...cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const hvFile = (node) => join(env[`FAKE_HV_STATE_DIR${nodeNo(node)}`], INST);
const hookDir = join(env.HOOKS_DIR1, 'instance-migrate-pre.d');
const hook = join(hookDir, '50-phaseboard-delay');
const hookSeconds = 14;

function stopNoded(node) {
  inNode(node, '/usr/lib/ganeti/daemon-util', 'stop', 'ganeti-noded');
}
function startNoded(node) {
  // A pid file left by a killed noded makes daemon-util start do nothing.
  const pidfile = join(env.DIR, `n${nodeNo(node)}`, 'run/ganeti/ganeti-noded.pid');
  try {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    if (!pid || !existsSync(`/proc/${pid}`)) rmSync(pidfile, { force: true });
  } catch {
    // no pid file
  }
  inNode(node, '/usr/lib/ganeti/daemon-util', 'start', 'ganeti-noded');
}
/** Migrates the instance to `node` without recording anything (between flows). */
async function moveTo(node) {
  if ((await instance()).pnode === node) return;
  say(`migrating to ${node}`);
  const r = await call('PUT', `/2/instances/${INST}/migrate`, { body: { mode: 'live', target_node: node } });
  const x = await until(
    `the migration to ${node}`,
    () => job(r.body),
    (y) => FINAL.includes(y.status),
  );
  if (x.status !== 'success') throw new Error(`migration to ${node} ended ${x.status}: ${JSON.stringify(x.opresult)}`);
}
let nodedBack = false;
const nodedUp = async (node) => (await call('GET', `/2/nodes/${node}`)).body.mfree != null;

// ------------------------------------------------------------------ start
mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (f.endsWith('.json')) rmSync(join(OUT, f));
rmSync(hook, { force: true });
{
  const i = await instance();
  if (i.pnode !== NODE1 || i.status !== 'running')
    throw new Error(`expected ${INST} running on ${NODE1}, found ${i.status} on ${i.pnode}: run scripts/ganeti/down.sh and up.sh`);
  if (!(await nodedUp(NODE2))) throw new Error(`${NODE2}'s noded does not answer`);
}

// ------------------------------------------------------------------ the cluster at rest
say('reading the cluster');
await get('version', '/version');
await get('info', '/2/info');
await get('features', '/2/features');
await get('os', '/2/os');
await get('groups-bulk', '/2/groups?bulk=1');
await get('nodes', '/2/nodes');
await get('nodes-bulk', '/2/nodes?bulk=1');
await get('node-node2', `/2/nodes/${NODE2}`);
await get('node-node1-role', `/2/nodes/${NODE1}/role`);
await get('instances', '/2/instances');
await get('instances-bulk', '/2/instances?bulk=1');
await get('instance-running-node1', `/2/instances/${INST}`);
await get('jobs-after-bring-up', '/2/jobs');
await get('jobs-bulk-after-bring-up', '/2/jobs?bulk=1', { note: 'cluster init, node add, instance add' });

// ------------------------------------------------------------------ live migration, watched
say(`live migration ${NODE1} -> ${NODE2}`);
const path = (verb) => `/2/instances/${INST}/${verb}`;
let id = await submit('migrate-live-submit', 'PUT', path('migrate'), { mode: 'live' }, 'the answer is the job id; the allocator (hail) picks the target');
let j = await follow('migrate-live', id, { waits: true });
if (j.status !== 'success') throw new Error(`live migration ended ${j.status}: ${JSON.stringify(j.opresult)}`);
await get('instance-running-node2-after-migrate', `/2/instances/${INST}`);

// ------------------------------------------------------------------ a slow migration, a waiting job cancelled
say(`slow migration ${NODE2} -> ${NODE1}: a ${hookSeconds}-s pre-hook on ${NODE1}; a second migration waits for the lock and is cancelled`);
mkdirSync(hookDir, { recursive: true });
process.on('exit', () => rmSync(hook, { force: true }));
writeFileSync(hook, `#!/bin/sh\n# phaseboard capture-fixtures: holds the migration in its pre-hooks\nsleep ${hookSeconds}\n`, { mode: 0o755 });
id = await submit(
  'migrate-slow-submit',
  'PUT',
  path('migrate'),
  { mode: 'live', target_node: NODE1 },
  `target node given; ${NODE1} has a ${hookSeconds}-s instance-migrate-pre.d hook`,
);
const slow = until(
  'the slow migration running',
  () => job(id),
  (x) => x.status === 'running' || FINAL.includes(x.status),
  { every: 100 },
);
j = await slow;
save('migrate-slow-job-running-in-hook', { path: `/2/jobs/${id}`, status: 200, body: j, note: 'running, in the pre-hook: no log entry yet' });
// The /wait long-poll with the answer just seen: nothing changes for 10 s.
const unchanged = (async () => {
  const reqBody = {
    fields: ['status', 'opstatus'],
    previous_job_info: [j.status, j.opstatus],
    previous_log_serial: maxSerial(j.oplog.flat(), -1) < 0 ? null : maxSerial(j.oplog.flat(), -1),
  };
  const r = await call('GET', `/2/jobs/${id}/wait`, { body: reqBody, timeout: 30000 });
  save('migrate-slow-wait-unchanged', {
    path: `/2/jobs/${id}/wait`,
    reqBody,
    status: r.status,
    body: r.body,
    note: `answered after ${(r.ms / 1000).toFixed(1)} s with nothing changed (Ganeti's 10-s long-poll timeout)`,
  });
  return r;
})();
await sleep(500);
const id2 = await submit(
  'migrate-blocked-submit',
  'PUT',
  path('migrate'),
  { mode: 'live' },
  'a second migration of the same instance while the first holds its lock',
);
const blocked = await until(
  'the second job queued or waiting',
  () => job(id2),
  (x) => ['queued', 'waiting'].includes(x.status) || FINAL.includes(x.status),
  { every: 100 },
);
save(`migrate-blocked-job-${blocked.status}`, { path: `/2/jobs/${id2}`, status: 200, body: blocked, note: 'first answer seen (polled every 100 ms)' });
await sleep(1000);
const blocked2 = await job(id2);
if (blocked2.status !== blocked.status)
  save(`migrate-blocked-job-${blocked2.status}`, {
    path: `/2/jobs/${id2}`,
    status: 200,
    body: blocked2,
    note: `1 s after it was first seen ${blocked.status}`,
  });
await get('jobs-bulk-one-running-one-blocked', '/2/jobs?bulk=1');
const cancel = await call('DELETE', `/2/jobs/${id2}`);
save('job-cancel-blocked', {
  method: 'DELETE',
  path: `/2/jobs/${id2}`,
  status: cancel.status,
  body: cancel.body,
  note: `cancel while ${blocked2.status}: [success, message], answered after ${(cancel.ms / 1000).toFixed(1)} s`,
});
const cancelled = await until(
  'the cancelled job',
  () => job(id2),
  (x) => FINAL.includes(x.status),
  { every: 100 },
);
save(`migrate-blocked-job-${cancelled.status}`, { path: `/2/jobs/${id2}`, status: 200, body: cancelled });
const cancelAgain = await call('DELETE', `/2/jobs/${id2}`);
save('job-cancel-finished', {
  method: 'DELETE',
  path: `/2/jobs/${id2}`,
  status: cancelAgain.status,
  body: cancelAgain.body,
  note: 'cancel a job that already ended',
});
await unchanged;
j = await follow('migrate-slow', id, { waits: true });
rmSync(hook, { force: true });
if (j.status !== 'success') throw new Error(`slow migration ended ${j.status}: ${JSON.stringify(j.opresult)}`);

// ------------------------------------------------------------------ non-live migration
say(`non-live migration ${NODE1} -> ${NODE2} and back`);
id = await submit('migrate-non-live-submit', 'PUT', path('migrate'), { mode: 'non-live' });
j = await follow('migrate-non-live', id, { polls: false });
if (j.status !== 'success') throw new Error(`non-live migration ended ${j.status}: ${JSON.stringify(j.opresult)}`);
id = await submit('migrate-back-submit', 'PUT', path('migrate'), { target_node: NODE1 }, "no mode: the hypervisor's migration_mode (live for fake)");
j = await follow('migrate-back', id, { polls: false });
if (j.status !== 'success') throw new Error(`migration back ended ${j.status}: ${JSON.stringify(j.opresult)}`);

// ------------------------------------------------------------------ failover
say(`failover ${NODE1} -> ${NODE2}`);
id = await submit('failover-submit', 'PUT', path('failover'), {}, 'empty body: the allocator (hail) picks the target');
j = await follow('failover', id, { waits: true });
if (j.status !== 'success') throw new Error(`failover ended ${j.status}: ${JSON.stringify(j.opresult)}`);
await get('instance-running-node2-after-failover', `/2/instances/${INST}`);

// ------------------------------------------------------------------ cleanups
say('cleanup with nothing wrong');
id = await submit('cleanup-nothing-wrong-submit', 'PUT', path('migrate'), { cleanup: true }, 'cleanup in the JSON body');
j = await follow('cleanup-nothing-wrong', id, { polls: false });

say(`wrong-node state: the fake hypervisor's state file moved ${NODE2} -> ${NODE1}`);
renameSync(hvFile(NODE2), hvFile(NODE1));
await get('instance-wrongnode-config-node2-running-node1', `/2/instances/${INST}`, {
  note: `config says ${NODE2}, the fake hypervisor runs it on ${NODE1}`,
});
await get('instances-bulk-wrongnode', '/2/instances?bulk=1');
id = await submit('cleanup-dry-run-submit', 'PUT', path('migrate'), { cleanup: true, dry_run: true }, 'dry_run in the JSON body (the opcode parameter)');
j = await follow('cleanup-dry-run', id, { polls: false });
await get('instance-wrongnode-after-dry-run', `/2/instances/${INST}`, { note: 'the dry run changed nothing' });
id = await submit('cleanup-wrongnode-submit', 'PUT', path('migrate'), { cleanup: true });
j = await follow('cleanup-wrongnode', id);
if (j.status !== 'success') throw new Error(`cleanup of the wrong-node state ended ${j.status}: ${JSON.stringify(j.opresult)}`);
await get('instance-after-cleanup-wrongnode', `/2/instances/${INST}`, { note: `repaired: config now says ${NODE1}` });

say(`wrong-node state again (${NODE1} -> ${NODE2}); ?dry-run=1 in the query string is not a dry run for migrate`);
renameSync(hvFile(NODE1), hvFile(NODE2));
await get('instance-wrongnode-config-node1-running-node2', `/2/instances/${INST}`);
id = await submit(
  'cleanup-dry-run-in-query-submit',
  'PUT',
  `${path('migrate')}?dry-run=1`,
  { cleanup: true },
  'dry-run in the query string: ignored by /migrate',
);
j = await follow('cleanup-dry-run-in-query', id, { polls: false });
await get('instance-after-cleanup-dry-run-in-query', `/2/instances/${INST}`, { note: `repaired anyway: config now says ${NODE2}` });

say('the instance running nowhere: cleanup refuses; startup brings it back');
const here = (await instance()).pnode;
const parked = join(env.DIR, `parked-${INST}`);
renameSync(hvFile(here), parked);
await get('instance-running-nowhere', `/2/instances/${INST}`);
id = await submit('cleanup-running-nowhere-submit', 'PUT', path('migrate'), { cleanup: true });
j = await follow('cleanup-running-nowhere', id, { polls: false });
rmSync(parked, { force: true });
id = await submit('startup-after-running-nowhere-submit', 'PUT', path('startup'), undefined);
j = await follow('startup-after-running-nowhere', id, { polls: false });
if (j.status !== 'success') {
  say('startup refused: shutdown, then startup');
  id = await submit('shutdown-after-running-nowhere-submit', 'PUT', path('shutdown'), undefined);
  await follow('shutdown-after-running-nowhere', id, { polls: false });
  id = await submit('startup-after-shutdown-submit', 'PUT', path('startup'), undefined);
  j = await follow('startup-after-shutdown', id, { polls: false });
}
await until('the instance running again', instance, (i) => i.status === 'running');

// ------------------------------------------------------------------ migration to a node whose noded is stopped
{
  await moveTo(NODE1); // the stopped noded is node2's, never the master's
  const [src, dst] = [NODE1, NODE2];
  say(`migration ${src} -> ${dst} with ${dst}'s noded stopped`);
  stopNoded(dst);
  // Whatever happens next, noded comes back.
  process.on('exit', () => nodedBack || startNoded(dst));
  await until(
    `${dst}'s noded down`,
    () => nodedUp(dst),
    (up) => !up,
  );
  await get('nodes-bulk-noded-stopped', '/2/nodes?bulk=1', { note: `${dst}'s noded is stopped: its live fields are null` });
  id = await submit('migrate-target-down-submit', 'PUT', path('migrate'), { mode: 'live', target_node: dst }, 'target node given');
  j = await follow('migrate-target-down', id);
  id = await submit('migrate-target-down-allocator-submit', 'PUT', path('migrate'), { mode: 'live' }, 'the allocator picks the target');
  j = await follow('migrate-target-down-allocator', id, { polls: false });
  await get('instance-after-failed-migration', `/2/instances/${INST}`);
  startNoded(dst);
  nodedBack = true;
  await until(
    `${dst}'s noded back`,
    () => nodedUp(dst),
    (up) => up,
    { timeout: 60000, every: 500 },
  );
}

// ------------------------------------------------------------------ refusals
say('refusals');
{
  const src = (await instance()).pnode;
  id = await submit('migrate-to-own-node-submit', 'PUT', path('migrate'), { mode: 'live', target_node: src }, 'target is the current primary');
  j = await follow('migrate-to-own-node', id, { polls: false });
}
{
  const p = '/2/instances/nosuch.gnt.test/migrate';
  const r = await call('PUT', p, { body: { mode: 'live' }, expect: [200, 400, 404] });
  save(r.status === 200 ? 'migrate-unknown-instance-submit' : `error-${r.status}-migrate-unknown-instance`, {
    method: 'PUT',
    path: p,
    reqBody: { mode: 'live' },
    status: r.status,
    body: r.body,
  });
  if (r.status === 200) {
    j = await follow('migrate-unknown-instance', r.body, { polls: false });
  }
}
const refusals = [
  ['error-401-wrong-password', 'GET', '/2/info', { auth: basic(env.RAPI_USER, 'wrong') }, 'wrong password'],
  ['error-401-no-credentials', 'GET', '/2/info', { auth: null }, 'no Authorization header (RAPI runs with --require-authentication)'],
  ['error-403-read-only-user-migrate', 'PUT', path('migrate'), { auth: AUTH_RO, body: { mode: 'live' } }, 'a user without the write option'],
  [
    'error-403-read-only-user-wait',
    'GET',
    '/2/jobs/1/wait',
    { auth: AUTH_RO, body: { fields: ['status'], previous_job_info: null, previous_log_serial: null } },
    '/wait needs the write option',
  ],
  ['error-404-unknown-instance', 'GET', '/2/instances/nosuch.gnt.test', {}],
  ['error-404-unknown-job', 'GET', '/2/jobs/999999', {}, 'no such job (or archived): 200 with every field null', 'job-unknown-all-null'],
  [
    'error-404-unknown-job-wait',
    'GET',
    '/2/jobs/999999/wait',
    { body: { fields: ['status'], previous_job_info: null, previous_log_serial: null } },
    'the message is HTML-escaped',
  ],
  ['error-404-unknown-resource', 'GET', '/2/nosuch', {}],
  ['error-400-migrate-bad-mode', 'PUT', path('migrate'), { body: { mode: 'sideways' } }],
  ['error-400-migrate-unknown-parameter', 'PUT', path('migrate'), { body: { cleanup: true, bogus: 1 } }],
  ['error-400-migrate-cleanup-not-boolean', 'PUT', path('migrate'), { body: { cleanup: 'yes' } }],
  ['error-400-migrate-not-json', 'PUT', path('migrate'), { rawBody: '{"mode": live' }],
  ['error-400-wait-without-fields', 'GET', '/2/jobs/1/wait', { body: {} }],
];
for (const [name, method, p, opts, note, okName] of refusals) {
  const r = await call(method, p, { ...opts, expect: [200, 400, 401, 403, 404, 405, 500, 501] });
  const status = r.status;
  let file = name.replace(/^error-\d+/, `error-${status}`);
  if (status === 200) file = okName ?? name.replace(/^error-\d+/, 'accepted');
  save(file, {
    method,
    path: p,
    reqBody: opts.body,
    rawBody: opts.rawBody,
    status,
    body: r.body,
    note,
    user: opts.auth === null ? 'no credentials' : opts.auth === AUTH_RO ? 'read-only user' : opts.auth ? 'wrong password' : 'write user',
  });
  if (status === 200 && typeof r.body === 'number')
    await until(
      `job ${r.body}`,
      () => job(r.body),
      (x) => FINAL.includes(x.status),
    );
}

// ------------------------------------------------------------------ cleanup in the query string is ignored
{
  const src = (await instance()).pnode;
  say(`?cleanup=1 in the query string: a real migration from ${src}`);
  id = await submit(
    'migrate-cleanup-in-query-submit',
    'PUT',
    `${path('migrate')}?cleanup=1`,
    {},
    'cleanup in the query string is ignored: this runs a real migration',
  );
  j = await follow('migrate-cleanup-in-query', id, { polls: false });
}

// ------------------------------------------------------------------ back to node1
await moveTo(NODE1);
await get('instance-running-node1-at-end', `/2/instances/${INST}`);
await get('jobs-at-end', '/2/jobs');
await get('jobs-bulk-at-end', '/2/jobs?bulk=1', { note: 'every job of the capture' });

// ------------------------------------------------------------------ SOURCE.txt
// The repository's lint runs prettier over lib/: when its node_modules has
// prettier (npm ci), the files are formatted the way it checks; without it
// they stay JSON.stringify's output (the script itself needs no package).
let prettier = null;
try {
  prettier = await import('prettier');
} catch {
  say('prettier is not installed: the files are not formatted for the lint check');
}
if (prettier) {
  const options = (await prettier.resolveConfig(join(OUT, 'x.json'))) ?? {};
  for (const f of readdirSync(OUT)) {
    if (!f.endsWith('.json')) continue;
    writeFileSync(join(OUT, f), await prettier.format(readFileSync(join(OUT, f), 'utf8'), { ...options, filepath: f }));
  }
}
for (const f of readdirSync(OUT)) {
  if (!f.endsWith('.json')) continue;
  const text = readFileSync(join(OUT, f), 'utf8');
  for (const s of secrets) if (text.includes(s)) throw new Error(`${f} contains a RAPI secret`);
}
const pkgs = execFileSync(
  'dpkg-query',
  ['-W', '-f=${Package} ${Version}\n', 'ganeti', 'ganeti-3.0', 'ganeti-haskell-3.0', 'ganeti-htools-3.0', 'ganeti-os-noop'],
  {
    encoding: 'utf8',
  },
);
const source = [
  `Real answers of Ganeti 3.0 (Debian 12 packages) RAPI recorded on ${new Date().toISOString().slice(0, 10)} against the test cluster of`,
  'scripts/ganeti/up.sh: two nodes (node1.gnt.test, the master, and node2.gnt.test) in network namespaces, the fake hypervisor,',
  'one diskless instance inst1.gnt.test (64M, noop OS). Recorded by `node scripts/ganeti/capture-fixtures.mjs` with the cluster up',
  '(it rewrites every file here and leaves the instance on node1). Job ids, uuids, names and times are the real ones.',
  'Requests use the RAPI user with the "write" option unless a line says otherwise; passwords are never written. Request bodies',
  'are JSON (Content-Type: application/json), also on GET /2/jobs/ID/wait. "first answer seen with status X" files come from',
  'polling GET /2/jobs/ID every 100 ms while the job ran; "-wait-NN" files are the successive /wait answers, each asked with',
  "the previous answer's job_info and highest log serial. The slow migration is held in its pre-hooks by an executable",
  `instance-migrate-pre.d/50-phaseboard-delay on node1 that sleeps ${hookSeconds} s. The wrong-node state is made by moving the fake`,
  'hypervisor\'s state file (/run/ganeti/fake-hypervisor/<instance>, per node) to the other node; "running nowhere" removes it.',
  'A migration to a node whose noded is stopped (daemon-util stop ganeti-noded) fails; noded is started again afterwards.',
  'Error answers carry HTML-escaped messages (&quot; &#x27;), kept as Ganeti sent them.',
  '',
  'Packages:',
  ...pkgs
    .trim()
    .split('\n')
    .map((l) => `  ${l}`),
  '',
  'Files (request [user] -> HTTP status):',
  ...manifest.flatMap((m) => [`- ${m.file}`, `    ${m.line}`, ...(m.note ? [`    ${m.note}`] : [])]),
  '',
];
writeFileSync(join(OUT, 'SOURCE.txt'), source.join('\n'));
say(`done: ${manifest.length} files in ${OUT}`);
