import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OperationSnapshot } from '@/lib/model/snapshot';
import { describeOpenStackActions } from './actions';
import { migrationSnapshot } from './normalize';
import {
  CinderAttachmentList,
  CinderAttachmentShow,
  NovaInstanceActionShow,
  NovaMigrationList,
  NovaServerMigrationShow,
  VersionDocument,
  faultMessage,
  parsePayload,
  utcIso,
} from './parse';
import { openstackPipeline } from './pipeline';
import { failureReason } from './resolve';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8'));
const migrations = (name: string) => parsePayload(NovaMigrationList, fixture(name), name).migrations;
const view = (s: OperationSnapshot) => ({ ...s, gone: false, progress: s.progress ? { ...s.progress } : null });
const cloud = { admin: true, computeMax: '2.93' };

/** Recorded answers of a real Zed cloud (fixtures/SOURCE.txt) through the parser and normalizer. */
describe('OpenStack answers → operations', () => {
  it('reads both version documents: Nova’s single `version`, Cinder’s `versions` list', () => {
    expect(parsePayload(VersionDocument, fixture('nova-version-v2.1'), 'v')).toMatchObject({ min_version: '2.1', version: '2.93' });
    expect(parsePayload(VersionDocument, fixture('cinder-version-v3'), 'v')).toMatchObject({ min_version: '3.0', version: '3.70' });
  });

  it('treats Nova’s zone-less times as UTC', () => {
    expect(utcIso('2026-11-21T23:18:41.000000')).toBe('2026-11-21T23:18:41.000Z');
  });

  it('a running live migration carries its memory bytes, hosts and a force-complete', () => {
    const [m] = migrations('nova-os-migrations-v2.80-instance-live-running');
    const detail = parsePayload(NovaServerMigrationShow, fixture('nova-server-migration-show-v2.80-running-1'), 'd').migration;
    const s = migrationSnapshot(m!, { instance: { name: 'pbfix-vm', taskState: 'migrating', vmState: 'active', host: 'fake-1' }, detail });
    expect(OperationSnapshot.safeParse(s).success).toBe(true);
    expect(s).toMatchObject({
      nativeId: 'migration:7',
      kind: 'live_migration',
      state: 'running',
      subject: { type: 'instance', name: 'pbfix-vm' },
      progress: { unit: 'bytes', done: 5204245, total: 67108864 },
      details: { sourceHost: 'fake-1', destinationHost: 'fake-2', memoryRemaining: 61904619, taskState: 'migrating' },
    });
    const actions = describeOpenStackActions(view(s), cloud);
    expect(actions.map((a) => [a.name, a.enabled])).toEqual([
      ['force_complete', true],
      ['abort', true],
    ]);
  });

  it('`accepted` is in progress (seed 002), and abort before running needs 2.65', () => {
    const [m] = migrations('nova-os-migrations-v2.80-instance-live-preparing');
    const s = migrationSnapshot(m!);
    expect(s.state).toBe('pending');
    expect(migrationSnapshot(migrations('nova-os-migrations-v2.80-instance-live-accepted')[0]!).state).toBe('pending');
    const abort = (max: string) => describeOpenStackActions(view(s), { admin: true, computeMax: max }).find((a) => a.name === 'abort')!;
    expect(abort('2.93').enabled).toBe(true);
    expect(abort('2.64')).toMatchObject({ enabled: false, reason: expect.stringMatching(/goes up to 2\.64; this needs 2\.65/) });
    expect(describeOpenStackActions(view(s), cloud).find((a) => a.name === 'force_complete')).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/only a running/),
    });
  });

  it('a finished cold migration or resize waits for confirm; reverted counts as undone', () => {
    const list = migrations('nova-os-migrations-v2.80-after-all-flows');
    const byStatus = (status: string, type: string) => migrationSnapshot(list.find((m) => m.status === status && m.migration_type === type)!);
    const finished = migrationSnapshot(migrations('nova-os-migrations-v2.80-resize-waiting-confirm')[0]!);
    expect(finished).toMatchObject({ kind: 'resize', state: 'ready', details: { oldFlavorId: 1, newFlavorId: 2 } });
    const actions = describeOpenStackActions(view(finished), cloud);
    expect(actions.find((a) => a.name === 'confirm')).toMatchObject({ enabled: true, awaited: true });
    expect(openstackPipeline(view(finished)).find((s) => s.key === 'confirm')).toMatchObject({ status: 'current', note: 'waits for you' });
    expect(byStatus('confirmed', 'migration')).toMatchObject({ kind: 'cold_migration', state: 'succeeded' });
    expect(byStatus('reverted', 'resize').state).toBe('cancelled');
    expect(byStatus('cancelled', 'live-migration').state).toBe('cancelled');
    expect(byStatus('error', 'live-migration')).toMatchObject({ state: 'failed', details: { destinationHost: null } });
  });

  it('tells why a live migration failed from the instance action’s failed event', () => {
    const action = parsePayload(NovaInstanceActionShow, fixture('nova-instance-action-show-v2.84-live-migration-error'), 'a').instanceAction;
    expect(failureReason(action)).toBe('conductor_live_migrate_instance: No valid host was found.');
    const ok = parsePayload(NovaInstanceActionShow, fixture('nova-instance-action-show-v2.84-live-migration-completed'), 'a').instanceAction;
    expect(failureReason(ok)).toBeNull();
  });

  it('keeps the cloud’s own words from its fault bodies', () => {
    expect(faultMessage(fixture('nova-error-409-force-complete-completed-migration'))).toMatch(/invalid state for 'force_complete'/);
    expect(faultMessage(fixture('nova-error-406-microversion-unsupported'))).toMatch(/maximum is 2\.93/);
  });

  it('without the admin role, admin-only actions say why', () => {
    const [m] = migrations('nova-os-migrations-v2.80-instance-live-running');
    const actions = describeOpenStackActions(view(migrationSnapshot(m!)), { admin: false, computeMax: '2.93' });
    expect(actions.every((a) => !a.enabled && /admin role/.test(a.reason ?? ''))).toBe(true);
  });
});

/** Nova's and Cinder's own API samples (fixtures/public, copied from the shared set): every response shape phaseboard reads parses. */
describe('the public API samples', () => {
  const shared = (engine: string, name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/public', `${engine}-${name}`), 'utf8'));
  const nova = fs.readdirSync(path.join(__dirname, 'fixtures/public')).flatMap((f) => (f.startsWith('nova-') ? [f.slice('nova-'.length)] : []));

  it('every os-migrations sample parses and becomes snapshots the model accepts, from 2.1 to 2.80', () => {
    const files = nova.filter((f) => f.startsWith('os-migrations_') && f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const list = parsePayload(NovaMigrationList, shared('nova', f), f).migrations;
      expect(list.length, f).toBeGreaterThan(0);
      for (const m of list) expect(OperationSnapshot.safeParse(migrationSnapshot(m)).success, f).toBe(true);
    }
  });

  it('a server migration sample carries bytes; an instance action sample parses with its events', () => {
    const d = parsePayload(NovaServerMigrationShow, shared('nova', 'server-migrations_v2.80_migrations-get.json'), 'd').migration;
    const [m] = parsePayload(NovaMigrationList, shared('nova', 'os-migrations_v2.80_migrations-get.json'), 'm').migrations.filter(
      (x) => x.migration_type === 'live-migration',
    );
    const s = migrationSnapshot({ ...m!, status: 'running' }, { detail: d });
    expect(s.progress).toMatchObject({ unit: 'bytes', total: (d.memory_total_bytes ?? 0) + (d.disk_total_bytes ?? 0) });
    expect(
      parsePayload(NovaInstanceActionShow, shared('nova', 'os-instance-actions_v2.84_instance-action-get-resp.json'), 'a').instanceAction.events?.length,
    ).toBeGreaterThan(0);
  });

  it("Cinder's attachment samples parse", () => {
    for (const f of ['attachment-list-detailed-response.json']) {
      expect(parsePayload(CinderAttachmentList, shared('cinder', f), f).attachments.length).toBeGreaterThan(0);
    }
    expect(parsePayload(CinderAttachmentShow, shared('cinder', 'attachment-show-response.json'), 's').attachment.id).toMatch(/\S/);
  });
});
