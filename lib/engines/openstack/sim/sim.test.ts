import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '@/lib/log/logger';
import { OpenStackClient } from '@/lib/engines/openstack/client';
import {
  CinderAttachmentList,
  CinderVolumeShow,
  KeystoneToken,
  NovaInstanceActionShow,
  NovaMigrationList,
  NovaServerMigrationShow,
  NovaServerShow,
  VersionDocument,
} from '@/lib/engines/openstack/parse';
import { SimCloud } from '@/lib/engines/openstack/sim/cloud';
import { startMix } from '@/lib/engines/openstack/sim/mix';
import { OpenStackSimServer } from '@/lib/engines/openstack/sim/server';

const fixture = (name: string): any => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8'));
const DB_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/;

describe('the OpenStack simulator over HTTP', () => {
  let now: number;
  let cloud: SimCloud;
  let sim: OpenStackSimServer;
  let authUrl: string;
  let admin: string;
  let compute: string;
  let volume: string;
  const advance = (ms: number) => void (now += ms);

  const login = async (name: string, password: string) =>
    fetch(`${authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name, domain: { name: 'Default' }, password } } },
          scope: { project: { name: 'demo', domain: { name: 'Default' } } },
        },
      }),
    });

  const api = async (method: string, where: 'compute' | 'volume', p: string, o: { mv?: string; body?: unknown; token?: string } = {}) => {
    const headers: Record<string, string> = { 'X-Auth-Token': o.token ?? admin };
    if (o.mv) headers['OpenStack-API-Version'] = `${where} ${o.mv}`;
    if (o.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch((where === 'compute' ? compute : volume) + p, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
    const text = await res.text();
    return { status: res.status, body: res.headers.get('content-type') === 'application/json' ? JSON.parse(text) : text || undefined };
  };
  /** the raw rows (their keys in the order Nova writes them), once they parse */
  const migrationsOf = async (server: string, mv = '2.80') => {
    const body = (await api('GET', 'compute', `/os-migrations?instance_uuid=${server}`, { mv })).body;
    NovaMigrationList.parse(body);
    return body.migrations as ReturnType<typeof NovaMigrationList.parse>['migrations'];
  };
  const serverOf = async (id: string) => NovaServerShow.parse((await api('GET', 'compute', `/servers/${id}`, { mv: '2.93' })).body).server;
  const attachmentsOf = async (volumeId: string) =>
    CinderAttachmentList.parse((await api('GET', 'volume', `/attachments/detail?volume_id=${volumeId}`, { mv: '3.70' })).body).attachments;
  const volumeOf = async (id: string) => CinderVolumeShow.parse((await api('GET', 'volume', `/volumes/${id}`, { mv: '3.70' })).body).volume;
  const action = (server: string, body: unknown, mv = '2.80', token?: string) => api('POST', 'compute', `/servers/${server}/action`, { mv, body, token });

  beforeEach(async () => {
    now = Date.parse('2026-11-21T23:18:00Z');
    cloud = new SimCloud(() => now, { servers: 6, random: () => 0 });
    sim = new OpenStackSimServer({
      username: 'admin',
      password: 'pw',
      project: 'demo',
      member: { username: 'viewer', password: 'pw2' },
      appCredential: { id: 'ac1', secret: 's3' },
      cloud,
    });
    authUrl = await sim.start();
    const res = await login('admin', 'pw');
    admin = res.headers.get('x-subject-token')!;
    const token = KeystoneToken.parse(await res.json()).token;
    compute = token.catalog.find((c) => c.type === 'compute')!.endpoints.find((e) => e.interface === 'public')!.url;
    volume = token.catalog.find((c) => c.type === 'volumev3')!.endpoints.find((e) => e.interface === 'public')!.url;
  });
  afterEach(() => sim.stop());

  it('issues tokens with a catalog, roles by user, and answers the version documents', async () => {
    const res = await login('admin', 'pw');
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(Object.keys(body.token)).toEqual(Object.keys(fixture('keystone-token-password-admin.json').token));
    expect(body.token.roles.map((r: { name: string }) => r.name)).toEqual(['reader', 'member', 'admin']);
    expect(body.token.expires_at).toMatch(/^\d{4}-.*\.000000Z$/);
    expect(compute).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/compute\/v2\.1$/);
    expect(volume).toBe(`${authUrl.replace('/identity/v3', '')}/volume/v3/${cloud.projectId}`);
    const member = await (await login('viewer', 'pw2')).json();
    expect(member.token.roles.map((r: { name: string }) => r.name)).toEqual(['reader', 'member']);
    const bad = await login('admin', 'nope');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
    const nova = await (await fetch(`${compute}/`)).json();
    expect(VersionDocument.parse(nova)).toMatchObject({ version: '2.93', min_version: '2.1' });
    expect((await fetch(`${authUrl.replace('identity/v3', 'volume/v3/')}`)).status).toBe(401);
    expect(VersionDocument.parse((await api('GET', 'volume', '/../')).body)).toMatchObject({ version: '3.70', min_version: '3.0' });
    expect((await api('GET', 'compute', '/servers/detail', { token: 'forged' })).status).toBe(401);
  });

  it('refuses microversions beyond its maximum with 406, and offers less when told to', async () => {
    const res = await api('GET', 'compute', '/servers', { mv: '2.999' });
    expect(res).toEqual({ status: 406, body: fixture('nova-error-406-microversion-unsupported.json') });
    await sim.stop();
    sim = new OpenStackSimServer({ username: 'admin', password: 'pw', project: 'demo', cloud, maxCompute: '2.60', maxVolume: '3.20' });
    authUrl = await sim.start();
    const client = new OpenStackClient({
      insecure: true,
      authUrl,
      auth: { type: 'password', username: 'admin', password: 'pw', userDomain: 'Default', project: 'demo', projectDomain: 'Default' },
      interface: 'public',
      timeoutMs: 5000,
      log: logger,
    });
    expect(await client.microversion('listMigrations')).toBe('2.60');
    expect(await client.attachments()).toBeNull();
  });

  it('speaks to the adapter client: auth, catalog, discovery and every list parse', async () => {
    const client = new OpenStackClient({
      insecure: true,
      authUrl,
      auth: { type: 'application_credential', id: 'ac1', secret: 's3' },
      region: 'RegionOne',
      interface: 'public',
      timeoutMs: 5000,
      log: logger,
    });
    expect(await client.isAdmin()).toBe(true);
    const { nativeId, instanceId } = cloud.startScenario('live-migration-with-volume');
    advance(10_000);
    const [m] = (await client.migrations({ instance_uuid: instanceId }, '2.80')).migrations;
    expect(`migration:${m!.id}`).toBe(nativeId);
    expect((await client.serverMigration(instanceId, m!.id))?.memory_total_bytes).toBe(4 * 1024 ** 3);
    expect(await client.servers()).toHaveLength(6);
    expect((await client.computeServices()).map((s) => `${s.host} ${s.status}`)).toEqual(['compute-1 enabled', 'compute-2 enabled', 'compute-3 enabled']);
    expect((await client.attachments())!.filter((a) => a.instance === instanceId)).toHaveLength(2);
    expect((await client.volumes()).length).toBeGreaterThan(0);
    expect((await client.instanceActions(instanceId)).map((a) => a.action)).toEqual(['live-migration']);
  });

  it('plays a live migration: accepted, preparing, running with memory progress and dirty pages, completed', async () => {
    const { nativeId, instanceId } = cloud.startScenario('live-migration');
    const source = (await serverOf(instanceId))['OS-EXT-SRV-ATTR:host'];
    let [m] = await migrationsOf(instanceId);
    expect(m).toMatchObject({ status: 'accepted', dest_compute: null, source_node: null, updated_at: null });
    expect(Object.keys(m!)).toEqual(Object.keys(fixture('nova-os-migrations-v2.80-instance-live-accepted.json').migrations[0]));
    expect(nativeId).toBe(`migration:${m!.id}`);
    advance(2000);
    [m] = await migrationsOf(instanceId);
    expect(Object.keys(m!)).toEqual(Object.keys(fixture('nova-os-migrations-v2.80-instance-live-preparing.json').migrations[0]));
    expect(m).toMatchObject({ status: 'preparing', source_compute: source, dest_host: null, migration_type: 'live-migration' });
    expect(m!.created_at).toMatch(DB_TIME);
    const dest = m!.dest_compute;
    advance(2000);
    expect((await migrationsOf(instanceId))[0]!.status).toBe('running');
    expect(await serverOf(instanceId)).toMatchObject({ status: 'MIGRATING', 'OS-EXT-STS:task_state': 'migrating', 'OS-EXT-SRV-ATTR:host': source });
    const samples: { processed: number; remaining: number }[] = [];
    for (let t = 0; t < 38_000; t += 1000) {
      advance(1000);
      const res = await api('GET', 'compute', `/servers/${instanceId}/migrations/${m!.id}`, { mv: '2.80' });
      const d = NovaServerMigrationShow.parse(res.body).migration;
      samples.push({ processed: d.memory_processed_bytes!, remaining: d.memory_remaining_bytes! });
      if (t === 0) expect(Object.keys(res.body.migration)).toEqual(Object.keys(fixture('nova-server-migration-show-v2.80-running-1.json').migration));
    }
    expect(samples.every((s, i) => i === 0 || s.processed >= samples[i - 1]!.processed)).toBe(true);
    expect(samples.at(-1)!.processed).toBeGreaterThan(samples[0]!.processed);
    expect(samples.some((s, i) => i > 0 && s.remaining > samples[i - 1]!.remaining)).toBe(true);
    advance(2500);
    // Nova shows the instance on its new host a moment before the record says completed
    expect(await serverOf(instanceId)).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': null, 'OS-EXT-SRV-ATTR:host': dest });
    expect((await migrationsOf(instanceId))[0]!.status).toBe('running');
    advance(1000);
    expect((await migrationsOf(instanceId))[0]).toMatchObject({ status: 'completed', dest_compute: dest });
    expect((await api('GET', 'compute', `/servers/${instanceId}/migrations`, { mv: '2.80' })).body).toEqual({ migrations: [] });
    expect((await api('GET', 'compute', `/servers/${instanceId}/migrations/${m!.id}`, { mv: '2.80' })).status).toBe(404);
    expect((await api('GET', 'compute', `/servers/${instanceId}/migrations`)).body).toEqual(fixture('nova-error-404-server-migrations-at-default.json'));
    const actions = (await api('GET', 'compute', `/servers/${instanceId}/os-instance-actions`, { mv: '2.84' })).body.instanceActions;
    const shown = (await api('GET', 'compute', `/servers/${instanceId}/os-instance-actions/${actions[0].request_id}`, { mv: '2.84' })).body;
    expect(Object.keys(shown.instanceAction)).toEqual(Object.keys(fixture('nova-instance-action-show-v2.84-live-migration-completed.json').instanceAction));
    expect(NovaInstanceActionShow.parse(shown).instanceAction.events!.map((e) => e.event)).toEqual(
      fixture('nova-instance-action-show-v2.84-live-migration-completed.json').instanceAction.events.map((e: { event: string }) => e.event),
    );
  });

  it('force-completes and aborts a migration that never converges, and refuses both afterwards in Nova’s words', async () => {
    const a = cloud.startScenario('live-migration-stuck');
    const b = cloud.startScenario('live-migration-stuck');
    const [ma, mb] = [Number(a.nativeId.split(':')[1]), Number(b.nativeId.split(':')[1])];
    const sourceB = (await serverOf(b.instanceId))['OS-EXT-SRV-ATTR:host'];
    advance(2000);
    // preparing: abort needs 2.65, and force-complete a running migration
    expect((await api('DELETE', 'compute', `/servers/${b.instanceId}/migrations/${mb}`, { mv: '2.64' })).body.badRequest.message).toBe(
      `Migration ${mb} state of instance ${b.instanceId} is preparing. Cannot abort live migration while the migration is in this state.`,
    );
    advance(120_000);
    expect((await migrationsOf(a.instanceId))[0]!.status).toBe('running');
    expect((await api('POST', 'compute', `/servers/${a.instanceId}/migrations/${ma}/action`, { mv: '2.22', body: { force_complete: null } })).status).toBe(202);
    expect((await api('DELETE', 'compute', `/servers/${b.instanceId}/migrations/${mb}`, { mv: '2.80' })).status).toBe(202);
    advance(2500);
    expect((await migrationsOf(a.instanceId))[0]!.status).toBe('completed');
    expect((await migrationsOf(b.instanceId))[0]!.status).toBe('cancelled');
    expect(await serverOf(b.instanceId)).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': null, 'OS-EXT-SRV-ATTR:host': sourceB });
    const fc = await api('POST', 'compute', `/servers/${a.instanceId}/migrations/${ma}/action`, { mv: '2.80', body: { force_complete: null } });
    expect(fc).toEqual({
      status: 409,
      body: { conflictingRequest: { code: 409, message: `Instance ${a.instanceId} is in an invalid state for 'force_complete'` } },
    });
    const ab = await api('DELETE', 'compute', `/servers/${a.instanceId}/migrations/${ma}`, { mv: '2.80' });
    expect(ab.body.conflictingRequest.message).toBe(`Instance ${a.instanceId} is in an invalid state for 'abort live migration'`);
    const names = (await api('GET', 'compute', `/servers/${b.instanceId}/os-instance-actions`, { mv: '2.84' })).body.instanceActions.map(
      (x: { action: string }) => x.action,
    );
    expect(names).toEqual(['live_migration_cancel', 'live-migration']);
  });

  it('plays a cold migration to confirmed and a resize to reverted', async () => {
    const cold = cloud.startScenario('cold-migration');
    const source = (await serverOf(cold.instanceId))['OS-EXT-SRV-ATTR:host'];
    const seen: string[] = [];
    for (let i = 0; i < 8; i++, advance(1000)) seen.push((await migrationsOf(cold.instanceId))[0]!.status);
    expect([...new Set(seen)]).toEqual(['pre-migrating', 'migrating', 'post-migrating', 'finished']);
    const s = await serverOf(cold.instanceId);
    expect(s).toMatchObject({ status: 'VERIFY_RESIZE', 'OS-EXT-STS:task_state': null, 'OS-EXT-STS:vm_state': 'resized' });
    expect(s['OS-EXT-SRV-ATTR:host']).not.toBe(source);
    const live = await action(cold.instanceId, { 'os-migrateLive': { host: null, block_migration: 'auto' } });
    expect(live.body.conflictingRequest.message).toBe(`Cannot 'os-migrateLive' instance ${cold.instanceId} while it is in vm_state resized`);
    expect((await action(cold.instanceId, { confirmResize: null })).status).toBe(204);
    expect((await migrationsOf(cold.instanceId))[0]!.status).toBe('confirming');
    advance(2000);
    expect((await migrationsOf(cold.instanceId))[0]!.status).toBe('confirmed');
    expect((await serverOf(cold.instanceId)).status).toBe('ACTIVE');
    expect((await action(cold.instanceId, { confirmResize: null })).body).toEqual({
      conflictingRequest: { code: 409, message: `Cannot 'confirmResize' instance ${cold.instanceId} while it is in vm_state active` },
    });

    const resize = cloud.startScenario('resize');
    const before = await serverOf(resize.instanceId);
    advance(6000);
    const [m] = await migrationsOf(resize.instanceId);
    expect(m).toMatchObject({ status: 'finished', migration_type: 'resize' });
    expect(m!.new_instance_type_id).not.toBe(m!.old_instance_type_id);
    expect((await action(resize.instanceId, { revertResize: null })).status).toBe(202);
    expect((await serverOf(resize.instanceId)).status).toBe('REVERT_RESIZE');
    advance(2500);
    expect((await migrationsOf(resize.instanceId))[0]!.status).toBe('reverted');
    expect(await serverOf(resize.instanceId)).toMatchObject({
      status: 'ACTIVE',
      'OS-EXT-SRV-ATTR:host': before['OS-EXT-SRV-ATTR:host'],
      flavor: before.flavor,
    });
  });

  it('attaches a volume: reserved, attaching, attached', async () => {
    const { nativeId, instanceId } = cloud.startScenario('volume-attach');
    const id = nativeId.replace('attachment:', '');
    const att = async () => (await api('GET', 'volume', `/attachments/${id}`, { mv: '3.70' })).body.attachment;
    expect(await att()).toMatchObject({ status: 'reserved', instance: instanceId, attach_mode: null, attached_at: '' });
    const v = (await att()).volume_id;
    expect((await volumeOf(v)).status).toBe('reserved');
    advance(2000);
    expect(await att()).toMatchObject({ status: 'attaching', attach_mode: 'null', connection_info: {} });
    expect((await volumeOf(v)).status).toBe('attaching');
    advance(2000);
    expect(Object.keys(await att())).toEqual(Object.keys(fixture('cinder-attachment-show-v3.70-attached.json').attachment));
    expect((await att()).attached_at).toMatch(DB_TIME);
    const shown = (await api('GET', 'volume', `/volumes/${v}`, { mv: '3.70' })).body.volume;
    expect(Object.keys(shown)).toEqual(Object.keys(fixture('cinder-volume-show-v3.70-in-use.json').volume));
    expect(shown).toMatchObject({ status: 'in-use', attachments: [{ attachment_id: id, server_id: instanceId }] });
    expect(shown.name).toMatch(/^[a-z]+-?\d\d-[a-z]+$/);
  });

  it('swaps a volume (two attachments, then one) and fails a swap back to the old volume', async () => {
    const ok = cloud.startScenario('volume-swap');
    const old = ok.nativeId.split(':')[2]!;
    const mine = async (instance: string) => (await attachmentsOfInstance(instance)).map((a) => a.status).sort();
    const attachmentsOfInstance = async (instance: string) =>
      CinderAttachmentList.parse((await api('GET', 'volume', `/attachments/detail?instance_id=${instance}`, { mv: '3.70' })).body).attachments;
    expect(await mine(ok.instanceId)).toEqual(['attached', 'reserved']);
    expect((await volumeOf(old)).status).toBe('detaching');
    advance(4000);
    expect(await mine(ok.instanceId)).toEqual(['attached', 'attached']);
    advance(1000);
    expect(await mine(ok.instanceId)).toEqual(['attached']);
    expect((await volumeOf(old)).status).toBe('available');
    expect((await serverOf(ok.instanceId))['os-extended-volumes:volumes_attached']).toEqual([
      { id: (await attachmentsOfInstance(ok.instanceId))[0]!.volume_id, delete_on_termination: false },
    ]);

    const bad = cloud.startScenario('volume-swap-fails');
    const badOld = bad.nativeId.split(':')[2]!;
    advance(5000);
    expect((await attachmentsOfInstance(bad.instanceId)).map((a) => a.volume_id)).toEqual([badOld]);
    expect((await volumeOf(badOld)).status).toBe('in-use');
    const [swap] = (await api('GET', 'compute', `/servers/${bad.instanceId}/os-instance-actions`, { mv: '2.84' })).body.instanceActions;
    expect(swap).toMatchObject({ action: 'swap_volume', message: 'Error' });
  });

  it('keeps a second attachment while a live migration with a volume runs, and only the new one after', async () => {
    const { instanceId } = cloud.startScenario('live-migration-with-volume');
    const [attached] = (await serverOf(instanceId))['os-extended-volumes:volumes_attached'] as { id: string }[];
    const [before] = await attachmentsOf(attached!.id);
    advance(5000);
    const during = await attachmentsOf(before!.volume_id);
    expect(during.map((a) => [a.status, a.attach_mode])).toEqual([
      ['attached', 'null'],
      ['attached', 'rw'],
    ]);
    expect(cloud.playAhead(`migration:${(await migrationsOf(instanceId))[0]!.id}`, 60_000)).toBe(true);
    const after = await attachmentsOf(before!.volume_id);
    expect(after.map((a) => a.id)).toEqual([during[0]!.id]);
    expect((await volumeOf(before!.volume_id)).attachments.map((a) => a.attachment_id)).toEqual([during[0]!.id]);
  });

  it('fails a live migration to a disabled host: no valid host, with the scheduler’s words', async () => {
    const { instanceId } = cloud.startScenario('live-migration-no-valid-host');
    advance(1500);
    const [m] = await migrationsOf(instanceId);
    expect(m).toMatchObject({ status: 'error', dest_compute: null });
    const [a] = (await api('GET', 'compute', `/servers/${instanceId}/os-instance-actions`, { mv: '2.84' })).body.instanceActions;
    const shown = (await api('GET', 'compute', `/servers/${instanceId}/os-instance-actions/${a.request_id}`, { mv: '2.84' })).body.instanceAction;
    expect(shown).toMatchObject({
      message: 'Error',
      events: [{ event: 'conductor_live_migrate_instance', result: 'Error', details: 'No valid host was found. ' }],
    });
    const services = (await api('GET', 'compute', '/os-services?binary=nova-compute', { mv: '2.53' })).body.services;
    expect(services.filter((s: { status: string }) => s.status === 'disabled')).toHaveLength(1);
    const unknown = await action(instanceId, { 'os-migrateLive': { host: 'no-such-host', block_migration: 'auto' } });
    expect(unknown.body).toEqual(fixture('nova-error-400-live-migrate-unknown-host.json'));
    const invalid = await action(instanceId, { 'os-migrateLive': { host: null, block_migration: 'sometimes' } });
    expect(invalid.body).toEqual(fixture('nova-error-400-live-migrate-invalid-body.json'));
  });

  it('leaves a stale reservation and a stuck delete as they are until an admin acts', async () => {
    const stale = cloud.startScenario('stale-reservation');
    const stuck = cloud.startScenario('stuck-deleting');
    expect(stuck.nativeId).toMatch(new RegExp(`^task:${stuck.instanceId}:req-[0-9a-f-]{36}$`));
    advance(3_600_000);
    const id = stale.nativeId.replace('attachment:', '');
    const att = (await api('GET', 'volume', `/attachments/${id}`, { mv: '3.70' })).body.attachment;
    expect(att).toMatchObject({ status: 'reserved', attach_mode: 'null', connection_info: {} });
    expect(await serverOf(stuck.instanceId)).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': 'deleting', 'OS-EXT-STS:vm_state': 'active' });
    const [del] = (await api('GET', 'compute', `/servers/${stuck.instanceId}/os-instance-actions`, { mv: '2.84' })).body.instanceActions;
    expect(del).toMatchObject({ action: 'delete', updated_at: null });
    expect((await api('GET', 'compute', `/os-migrations?instance_uuid=${stuck.instanceId}`, { mv: '2.80' })).body.migrations).toEqual([]);
    expect((await api('DELETE', 'volume', `/attachments/${id}`, { mv: '3.70' })).body).toEqual(fixture('cinder-attachment-delete-reserved-200.json'));
    expect((await volumeOf(att.volume_id)).status).toBe('available');
    expect((await action(stuck.instanceId, { 'os-resetState': { state: 'error' } })).status).toBe(202);
    expect(await serverOf(stuck.instanceId)).toMatchObject({ status: 'ERROR', 'OS-EXT-STS:task_state': null, 'OS-EXT-STS:vm_state': 'error' });
  });

  it('answers a member 403 on admin-only calls, and 404 for attachments below 3.27', async () => {
    const member = (await login('viewer', 'pw2')).headers.get('x-subject-token')!;
    expect(await api('GET', 'compute', '/os-migrations', { mv: '2.80', token: member })).toEqual({
      status: 403,
      body: fixture('nova-error-403-os-migrations-as-member.json'),
    });
    const [s] = (await api('GET', 'compute', '/servers/detail', { token: member })).body.servers;
    expect(s['OS-EXT-SRV-ATTR:host']).toBeUndefined();
    expect((await action(s.id, { 'os-migrateLive': { host: null, block_migration: 'auto' } }, '2.80', member)).body).toEqual(
      fixture('nova-error-403-live-migrate-as-member.json'),
    );
    const v = [...cloud.st.volumes.keys()][0]!;
    const reset = await api('POST', 'volume', `/volumes/${v}/action`, { mv: '3.70', token: member, body: { 'os-reset_status': { status: 'available' } } });
    expect(reset.body).toEqual(fixture('cinder-error-403-reset-status-as-member.json'));
    expect(await api('GET', 'volume', '/attachments', { mv: '3.0' })).toEqual({ status: 404, body: fixture('cinder-error-404-attachments-at-v3.0.json') });
    expect(await api('GET', 'volume', '/attachments')).toEqual({ status: 404, body: fixture('cinder-error-404-attachments-at-v3.0.json') });
    expect((await api('GET', 'volume', '/attachments', { mv: '3.27' })).status).toBe(200);
  });

  it('filters os-migrations by changes-since (2.59+) and pages them newest first with limit and marker', async () => {
    const first = cloud.startScenario('live-migration');
    advance(60_000);
    const since = new Date(now).toISOString();
    cloud.startScenario('cold-migration');
    advance(10_000);
    cloud.startScenario('live-migration');
    advance(10_000);
    const recent = (await api('GET', 'compute', `/os-migrations?changes-since=${encodeURIComponent(since)}`, { mv: '2.59' })).body.migrations;
    expect(recent.map((m: { migration_type: string }) => m.migration_type)).toEqual(['live-migration', 'migration']);
    // before 2.59 Nova drops changes-since and lists everything, oldest first
    expect((await api('GET', 'compute', `/os-migrations?changes-since=${encodeURIComponent(since)}`)).body.migrations.map((m: { id: number }) => m.id)).toEqual(
      [1, 2, 3],
    );
    expect((await api('GET', 'compute', '/os-migrations?foo=1', { mv: '2.80' })).body.badRequest.message).toBe(
      "Additional properties are not allowed ('foo' was unexpected)",
    );
    const page1 = (await api('GET', 'compute', '/os-migrations?limit=2', { mv: '2.80' })).body;
    expect(page1.migrations.map((m: { id: number }) => m.id)).toEqual([3, 2]);
    const next = new URL(page1.migrations_links[0].href);
    expect(next.searchParams.get('marker')).toBe(page1.migrations[1].uuid);
    const page2 = (await api('GET', 'compute', `/os-migrations${next.search}`, { mv: '2.80' })).body;
    expect(page2).toEqual({ migrations: [expect.objectContaining({ id: 1, instance_uuid: first.instanceId })] });
    expect((await api('GET', 'compute', '/os-migrations?marker=nope', { mv: '2.80' })).body.badRequest.message).toBe('Marker nope could not be found.');
    const old = (await api('GET', 'compute', '/os-migrations')).body.migrations[0];
    expect(Object.keys(old)).toEqual(Object.keys(fixture('nova-os-migrations-default-live-completed.json').migrations[0]));
  });

  it('keeps a migration record running after its compute restarted, and a resize finished 2 h ago waiting', async () => {
    const stuck = cloud.startScenario('stuck-migration-record');
    const old = cloud.startScenario('resize-unconfirmed');
    advance(3_600_000);
    const [m] = await migrationsOf(stuck.instanceId);
    expect(m!.status).toBe('running');
    expect((await serverOf(stuck.instanceId))['OS-EXT-STS:task_state']).toBeNull();
    expect((await api('GET', 'compute', `/servers/${stuck.instanceId}/migrations/${m!.id}`, { mv: '2.80' })).status).toBe(200);
    const fc = await api('POST', 'compute', `/servers/${stuck.instanceId}/migrations/${m!.id}/action`, { mv: '2.80', body: { force_complete: null } });
    expect(fc.body.conflictingRequest.message).toBe(`Instance ${stuck.instanceId} is in an invalid state for 'force_complete'`);
    expect((await migrationsOf(old.instanceId))[0]).toMatchObject({ status: 'finished', migration_type: 'resize', updated_at: '2026-11-21T21:18:00.000000' });
    expect((await serverOf(old.instanceId)).status).toBe('VERIFY_RESIZE');
  });

  it('keeps the mix busy and confirms only the moves it started', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const mine = cloud.startScenario('cold-migration');
      let seed = 7;
      const stop = startMix(cloud, { active: 6, speed: 1, random: () => (seed = (seed * 48271) % 2147483647) / 2147483647 });
      for (let i = 0; i < 120; i++) {
        advance(1000);
        vi.advanceTimersByTime(1000);
      }
      stop();
      cloud.tick();
      const ops = [...cloud.ops.values()].filter((o) => o.owner === 'mix');
      const inFlight = ops.filter((o) => !o.program?.finished).length;
      expect(inFlight).toBeGreaterThan(0);
      expect(inFlight).toBeLessThanOrEqual(6);
      const statuses = ops.map((o) => o.migration?.status);
      expect(statuses).toContain('completed');
      expect(statuses.some((x) => x === 'confirmed' || x === 'reverted')).toBe(true);
      expect(ops.every((o) => o.migration?.status !== 'finished' || now - o.migration.updatedAt! <= 22_000)).toBe(true);
      expect(cloud.st.migrations.get(Number(mine.nativeId.split(':')[1]))!.status).toBe('finished');
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers 503 during an outage, and skips a wait at once', async () => {
    const { nativeId, instanceId } = cloud.startScenario('live-migration');
    expect(cloud.playAhead(nativeId, 50_000)).toBe(true);
    expect((await migrationsOf(instanceId))[0]!.status).toBe('completed');
    sim.startOutage(30);
    expect((await api('GET', 'compute', '/servers/detail')).status).toBe(503);
    sim.endOutage();
    expect((await api('GET', 'compute', '/servers/detail')).status).toBe(200);
  });
});
