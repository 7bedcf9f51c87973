import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { freePort, startOvirtSimulator, stopProcess, treeRss, type Started } from '../lib/testing/processes';
import { createDomain, realLibvirt } from '../lib/testing/real-libvirt';
import { stateOf } from './auth';
import { startScenario } from './helpers';
import { startPhaseboard } from './spawn';
import { openFinding } from './triage-helpers';

// Every attack the access-control issue lists, replayed; each must get the safe answer.

/** A script that leaves a mark if anything ever runs it. */
function proofScript(): { script: string; ran: () => boolean } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-proof-'));
  const mark = path.join(dir, 'RAN');
  const script = path.join(dir, 'proof.sh');
  fs.writeFileSync(script, `#!/bin/sh\ntouch ${mark}\n`, { mode: 0o755 });
  return { script, ran: () => fs.existsSync(mark) };
}

const errorOf = async (res: Awaited<ReturnType<APIRequestContext['post']>>) => ((await res.json()) as { error: { code: string; message: string } }).error;

test('libvirt URIs that run programs are refused with 400 naming the part, and nothing runs', async ({ request }) => {
  const proof = proofScript();
  const attacks: [string, RegExp][] = [
    [`qemu+ext:///system?command=${proof.script}`, /transport "ext" is not allowed/],
    [`qemu+ssh://-c@localhost/system?command=/bin/bash&keyfile=${proof.script}`, /user "-c" is not allowed/],
    [`qemu+ssh://root@localhost/system?keyfile=${proof.script}`, /parameter "keyfile" is refused: no key directory is configured/],
    [`qemu+ssh://root@localhost/system?netcat=${proof.script}`, /parameter "netcat" is not allowed/],
    [`qemu+ssh://root@-oProxyCommand=${proof.script}/system`, /host .* is not allowed/],
    ['qemu+tcp://127.0.0.1:22/system', /transport "tcp" is not allowed/],
  ];
  for (const [uri, why] of attacks) {
    const res = await request.post('/api/engines', { data: { id: 'attack', engine: 'libvirt', uri } });
    expect(res.status(), uri).toBe(400);
    expect((await errorOf(res)).message).toMatch(why);
  }
  expect(proof.ran()).toBe(false);
});

test('operator values for virsh: /etc/shadow as a copy target and an ext:// migration destination are refused', async ({ request }) => {
  const env = realLibvirt();
  const { domain } = createDomain(env, 'sec-copy');
  const proof = proofScript();
  const copy = await request.post('/api/engines/libvirt/start/block_copy', {
    data: { domain, disk: 'vda', target: '/etc/shadow', reuseExternal: true, raw: true },
  });
  expect(copy.status()).toBe(400);
  expect((await errorOf(copy)).message).toMatch(/^target: \/etc\/shadow is outside the storage directories/);
  const dots = await request.post('/api/engines/libvirt/start/block_copy', {
    data: { domain, disk: 'vda', target: `${env.dir}/pbt-sec-copy/../../../etc/shadow`, reuseExternal: true },
  });
  expect((await errorOf(dots)).message).toMatch(/"\." or "\.\." segments/);
  // Migrations go only to configured connections, and the memory only to the destination host.
  const migrate = await request.post('/api/engines/libvirt/start/live_migration', {
    data: { domain, destinationUri: `qemu+ext:///system?command=${proof.script}` },
  });
  expect(migrate.status()).toBe(400);
  expect((await errorOf(migrate)).message).toMatch(/^destinationUri: name the destination by its connection id/);
  const nowhere = await request.post('/api/engines/libvirt/start/live_migration', { data: { domain, destination: 'attacker' } });
  expect((await errorOf(nowhere)).message).toMatch(/^destination: no other libvirt connection "attacker"; one of: libvirt-dst/);
  const leak = await request.post('/api/engines/libvirt/start/live_migration', {
    data: { domain, destination: 'libvirt-dst', migrationUri: 'tcp://attacker.example:4444' },
  });
  expect((await errorOf(leak)).message).toMatch(/^migrationUri: attacker.example is not the destination host/);
  const weird = await request.post('/api/engines/libvirt/start/live_migration', { data: { domain, destination: { toString: 1 } } });
  expect(weird.status()).toBe(400);
  expect(proof.ran()).toBe(false);
});

test('cross-site "simple requests" and foreign origins change nothing', async ({ request, playwright }) => {
  const id = await startScenario('upload-awaits-finalize', 4);
  const op = `/api/operations/${encodeURIComponent(id)}`;
  await expect.poll(async () => (await (await request.get(op)).json()).operation.nativePhase, { timeout: 20_000 }).toBe('transferring');
  // What a page on another site can send without a preflight: text/plain, with the victim's cookies.
  const forged = [
    `${op}/actions/cancel`,
    '/api/demo/outage',
    '/api/engines/libvirt/start/block_copy',
    '/api/findings/any/resolve',
    '/api/findings/any/playbooks/connection.check',
    '/api/tokens',
  ];
  for (const url of forged) {
    const plain = await request.post(url, {
      headers: { 'Content-Type': 'text/plain', Origin: 'http://evil.example' },
      data: '{"seconds":30,"note":"x","confirm":true}',
    });
    expect(plain.status(), url).toBe(403);
    const json = await request.post(url, { headers: { Origin: 'http://evil.example' }, data: { seconds: 30 } });
    expect(json.status(), url).toBe(403);
    const fetchMeta = await request.post(url, { headers: { 'Sec-Fetch-Site': 'cross-site' }, data: { seconds: 30 } });
    expect(fetchMeta.status(), url).toBe(403);
    const noType = await request.post(url, { headers: { 'Content-Type': 'text/plain' }, data: '{}' });
    expect(noType.status(), url).toBe(415);
  }
  expect((await (await request.get(op)).json()).operation.nativePhase).toBe('transferring');
  const health = await (await request.get('/api/health')).json();
  expect(health.status === 'ok' || !health.problems.some((p: string) => /sim-ovirt/.test(p))).toBe(true);
  // Without a session nothing changes at all.
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.post(`${op}/actions/cancel`, { data: {} })).status()).toBe(401);
  expect((await anonymous.post(`${op}/actions/cancel`, { data: {}, headers: { 'X-Remote-User': 'e2eadmin' } })).status()).toBe(401);
  await anonymous.dispose();
});

test('a foreign Host is turned away (DNS rebinding), and pages carry anti-framing headers', async ({ request }) => {
  const api = await request.get('/api/operations', { headers: { Host: 'evil.example:3217' } });
  expect(api.status()).toBe(421);
  const page = await request.get('/', { headers: { Host: 'evil.example' } });
  expect(page.status()).toBe(421);
  const ok = await request.get('/login');
  expect(ok.headers()['x-frame-options']).toBe('DENY');
  expect(ok.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(ok.headers()['x-content-type-options']).toBe('nosniff');
  expect(ok.headers()['referrer-policy']).toBe('same-origin');
});

test('the audit names the real user: a spoofed X-Remote-User neither names nor releases anything', async ({ request, playwright }) => {
  const id = await startScenario('stuck-finalizing', 4);
  await expect
    .poll(async () => (await request.post(`/api/operations/${encodeURIComponent(id)}/actions/finalize`, { data: {} })).status(), { timeout: 20_000 })
    .toBe(202);
  const finding = await openFinding(request, id, 'ovirt.finalizing-stuck');
  const claimed = await request.post(`/api/findings/${finding.id}/claim`, { data: { note: 'mine' }, headers: { 'X-Remote-User': 'mallory' } });
  // The claim is held by the logged-in user (an actor with their id), not by a name a header gave.
  expect((await claimed.json()).finding.claim.by).toEqual({ kind: 'user', id: expect.any(String), name: 'e2eadmin' });
  const operator = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL, storageState: stateOf('operator') });
  const release = await operator.post(`/api/findings/${finding.id}/release`, { data: {}, headers: { 'X-Remote-User': 'e2eadmin' } });
  expect(release.status()).toBe(409);
  expect((await errorOf(release)).message).toMatch(/e2eadmin/);
  await operator.dispose();
});

test("better-auth's own admin, session and impersonation endpoints are closed: users change only through audited routes", async ({ request, playwright }) => {
  for (const [method, url] of [
    ['POST', '/api/auth/admin/impersonate-user'],
    ['POST', '/api/auth/admin/set-role'],
    ['POST', '/api/auth/admin/create-user'],
    ['GET', '/api/auth/admin/list-users'],
    ['GET', '/api/auth/get-session'],
    ['GET', '/api/auth/list-sessions'],
    ['POST', '/api/auth/sign-up/email'],
  ] as const) {
    const res = method === 'GET' ? await request.get(url) : await request.post(url, { data: { userId: 'x', role: 'admin' } });
    expect(res.status(), url).toBe(404);
  }
  // The login answer carries no session token for page scripts (the cookie is HttpOnly).
  const browser = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL, storageState: { cookies: [], origins: [] } });
  const login = await browser.post('/api/auth/sign-in/username', { data: { username: 'victor', password: 'e2e-password-0123456789' } });
  expect(login.status()).toBe(200);
  expect(JSON.stringify(await login.json())).not.toMatch(/"token"/);
  await browser.dispose();
});

test('malformed path encoding is 400, not 500', async ({ request }) => {
  for (const url of ['/api/operations/%ZZ', '/api/operations/%ZZ/actions/cancel', '/api/findings/%E0%A4%A', '/operations/%ZZ']) {
    const res = url.includes('actions') ? await request.post(url, { data: {} }) : await request.get(url);
    expect(res.status(), url).toBe(400);
  }
  // An id with a real % in it reaches the handler whole.
  expect((await request.get('/api/operations/x%25y')).status()).toBe(404);
});

test.describe('against a phaseboard of its own', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a trusted proxy names the user; from anywhere else its header, and a forged peer header, name nobody', async () => {
    test.setTimeout(90_000);
    const viaProxy = await startPhaseboard({ PHASEBOARD_TRUSTED_PROXIES: '127.0.0.1', PHASEBOARD_PROXY_HEADER: 'X-Forwarded-User', PHASEBOARD_SIM_MIX: '0' });
    try {
      expect((await viaProxy.api('/api/users', { method: 'POST', body: JSON.stringify({ username: 'carol', role: 'operator' }) })).status).toBe(201);
      const as = (user: string) => ({ 'X-Forwarded-User': user });
      const session = async (headers: Record<string, string>) =>
        ((await (await fetch(`${viaProxy.url}/api/session`, { headers })).json()) as { principal: unknown }).principal;
      expect(await session(as('carol'))).toEqual({ kind: 'proxy', name: 'carol', role: 'operator' });
      expect(await session(as('dave'))).toEqual({ kind: 'proxy', name: 'dave', role: 'viewer' });
      // A proxied person's change is audited under their name, and still needs a same-origin request.
      const cross = await fetch(`${viaProxy.url}/api/demo/outage`, {
        method: 'POST',
        headers: { ...as('carol'), 'Content-Type': 'application/json', Origin: 'http://evil.example' },
        body: '{"seconds":1}',
      });
      expect(cross.status).toBe(403);
      const notAdmin = await fetch(`${viaProxy.url}/api/demo/outage`, {
        method: 'POST',
        headers: { ...as('carol'), 'Content-Type': 'application/json' },
        body: '{"seconds":1}',
      });
      expect(notAdmin.status).toBe(403);
      expect(((await notAdmin.json()) as { error: { message: string } }).error.message).toBe('this needs the admin role; carol (via proxy) is an operator');
    } finally {
      await stopProcess(viaProxy.child);
    }
    const elsewhere = await startPhaseboard({ PHASEBOARD_TRUSTED_PROXIES: '10.9.9.9', PHASEBOARD_SIM_MIX: '0' });
    try {
      // We are 127.0.0.1, not the proxy; saying we are (the peer header) changes nothing: the server writes it.
      const res = await fetch(`${elsewhere.url}/api/operations`, {
        headers: { 'X-Remote-User': 'admin', 'X-Phaseboard-Peer': '10.9.9.9', 'X-Forwarded-For': '10.9.9.9' },
      });
      expect(res.status).toBe(401);
    } finally {
      await stopProcess(elsewhere.child);
    }
  });

  test('login attempts are limited per address: the sixth in a minute is 429, even with the right password', async () => {
    const pb = await startPhaseboard({ PHASEBOARD_SIM_MIX: '0' });
    try {
      expect(
        (await pb.api('/api/users', { method: 'POST', body: JSON.stringify({ username: 'erin', role: 'viewer', password: 'erin-password-123' }) })).status,
      ).toBe(201);
      const attempt = (password: string, forwardedFor?: string) =>
        fetch(`${pb.url}/api/auth/sign-in/username`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}) },
          body: JSON.stringify({ username: 'erin', password }),
        }).then((r) => r.status);
      const statuses = [];
      // A client cannot pose as another address to get more tries: the server knows the socket's.
      for (let i = 0; i < 5; i++) statuses.push(await attempt('wrong-password-x', `198.51.100.${i}`));
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      expect(await attempt('erin-password-123')).toBe(429);
    } finally {
      await stopProcess(pb.child);
    }
  });

  test('four concurrent 100 MB bodies are refused with 413 without the server growing', async () => {
    test.setTimeout(90_000);
    const pb = await startPhaseboard({ PHASEBOARD_SIM_MIX: '0' });
    try {
      const before = treeRss(pb.child.pid!);
      const big = Buffer.alloc(100 * 1024 * 1024, 0x20);
      const sent = await Promise.all(
        [0, 1, 2, 3].map((i) =>
          pb
            .api('/api/demo/outage', { method: 'POST', body: i % 2 ? big : new Blob([big]).stream(), ...(i % 2 ? {} : { duplex: 'half' }) } as RequestInit)
            .then((r) => r.status)
            .catch(() => 413),
        ),
      );
      expect(sent).toEqual([413, 413, 413, 413]);
      const grown = treeRss(pb.child.pid!) - before;
      expect(grown, `server grew by ${Math.round(grown / 2 ** 20)} MiB`).toBeLessThan(64 * 2 ** 20);
    } finally {
      await stopProcess(pb.child);
    }
  });

  test('100 concurrent finalizes behind a 150 ms engine send one finalize; a reused key is scoped or 422', async () => {
    test.setTimeout(120_000);
    const simPort = await freePort();
    const sim = `http://127.0.0.1:${simPort}`;
    const started: Started[] = [];
    try {
      started.push(await startOvirtSimulator(simPort, 'race'));
      const pb = await startPhaseboard({
        PHASEBOARD_SIMULATOR: 'off',
        PHASEBOARD_OVIRT_ID: 'lab',
        PHASEBOARD_OVIRT_URL: `${sim}/ovirt-engine`,
        PHASEBOARD_OVIRT_INSECURE: 'true',
        PHASEBOARD_OVIRT_USERNAME: 'admin@internal',
        PHASEBOARD_OVIRT_PASSWORD: 'race',
      });
      started.push(pb);
      const transfer = async () => {
        const { transferId } = (await (
          await fetch(`${sim}/sim/scenarios/upload-awaits-finalize/start`, { method: 'POST', body: JSON.stringify({ speed: 20 }) })
        ).json()) as { transferId: string };
        const id = encodeURIComponent(`lab:${transferId}`);
        await expect
          .poll(
            async () =>
              (
                (await (await pb.api(`/api/operations/${id}`)).json()) as { operation?: { actions: { name: string; enabled: boolean }[] } }
              ).operation?.actions.find((a) => a.name === 'finalize')?.enabled,
            { timeout: 30_000 },
          )
          .toBe(true);
        return id;
      };
      const finalizes = async () =>
        ((await (await fetch(`${sim}/sim/stats`)).json()) as { byRoute: Record<string, number> }).byRoute['POST /imagetransfers/{id}/finalize'] ?? 0;
      const [a, b, c] = [await transfer(), await transfer(), await transfer()];
      await fetch(`${sim}/sim/latency`, { method: 'POST', body: JSON.stringify({ ms: 150 }) });
      for (const [id, key] of [
        [a, () => undefined],
        [b, (i: number) => `k${i}`],
        [c, () => 'one-key'],
      ] as const) {
        const before = await finalizes();
        const statuses = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            pb
              .api(`/api/operations/${id}/actions/finalize`, { method: 'POST', body: '{}', headers: key(i) ? { 'Idempotency-Key': key(i)! } : {} })
              .then((r) => r.status),
          ),
        );
        expect(statuses.filter((s) => s === 202)).toHaveLength(1);
        expect(statuses.every((s) => s === 202 || s === 409 || s === 200)).toBe(true);
        await expect.poll(finalizes, { timeout: 20_000 }).toBe(before + 1);
        await new Promise((r) => setTimeout(r, 1000));
        expect(await finalizes()).toBe(before + 1);
      }
      // The key of c, on another operation: a request of its own there (not c's run, not nothing).
      const d = await transfer();
      const elsewhere = await pb.api(`/api/operations/${d}/actions/pause`, { method: 'POST', body: '{}', headers: { 'Idempotency-Key': 'one-key' } });
      expect(elsewhere.status).toBe(202);
      expect(((await elsewhere.json()) as { run: { operationId: string } }).run.operationId).toBe(decodeURIComponent(d));
      const other = await pb.api(`/api/operations/${d}/actions/pause`, {
        method: 'POST',
        body: JSON.stringify({ reason: 'changed my mind' }),
        headers: { 'Idempotency-Key': 'one-key' },
      });
      expect(other.status).toBe(422);
    } finally {
      for (const p of started.reverse()) await stopProcess(p.child);
    }
  });
});
