import 'server-only';
import { AppError, hasCode } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
import type { Logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import type { Related } from '@/lib/model/details';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import type { EngineAdapter } from '../types';
import { ADMIN_REASON, describeOpenStackActions, moveRequest, performOpenStackAction, type CloudFacts } from './actions';
import { OpenStackClient, requestLine, type OpenStackAuth } from './client';
import { MoveParams, type OpenStackInventory } from './forms';
import {
  CHANGES_SKEW_MS,
  FULL_LIST_EVERY_MS,
  MAX_MIGRATION_PAGES,
  MIGRATION_TASKS,
  MIGRATIONS_PAGE,
  RECENT_MIGRATION_MS,
  TASK_WITHOUT_RECORD_MS,
} from './constants';
import { volumeOperations } from './attachments';
import {
  instanceView,
  migrationIdOf,
  migrationKind,
  migrationNativeId,
  migrationSnapshot,
  migrationState,
  taskNativeId,
  taskSnapshot,
  type InstanceView,
} from './normalize';
import { hasNextPage, utcMs, type NovaMigration, type NovaServer } from './parse';
import { openstackPipeline } from './pipeline';
import { attachmentAfterVanish, failureReason, migrationAfterVanish, swapAfterVanish, taskAfterVanish } from './resolve';

export interface OpenStackAdapterOptions {
  /** Keystone v3 URL */
  authUrl: string;
  auth: OpenStackAuth;
  region?: string;
  interface?: 'public' | 'internal' | 'admin';
  /** allow http:// endpoints (a lab, the simulator) */
  insecure?: boolean;
  ca?: string;
  timeoutMs?: number;
  cap?: { compute?: string; volume?: string };
  /** the cloud's resize_confirm_window in seconds (0: off), told on each cold migration and resize for triage */
  resizeConfirmWindowS?: number;
  log: Logger;
  now?: () => number;
}

/** The OpenStack adapter; its playbooks also read through the client directly. */
export interface OpenStackAdapter extends EngineAdapter {
  readonly client: OpenStackClient;
  readonly cloud: CloudFacts;
  inventory(): Promise<OpenStackInventory>;
}

/** Nova's migration actions that name the migration's kind, newest first in the instance's action list. */
const ACTION_OF_KIND: Record<string, string[]> = { live_migration: ['live-migration'], cold_migration: ['migrate', 'evacuate'], resize: ['resize'] };

/**
 * Nova migrations as operations. The first poll lists every migration
 * (paged, from 2.59); later polls ask only for what changed since the newest
 * change seen (changes-since), so an idle cloud costs one small request.
 * Nova keeps migration records for ever: only those in progress, those that
 * changed in the last hour and those phaseboard already follows are reported.
 */
export function createOpenStackAdapter(options: OpenStackAdapterOptions): OpenStackAdapter {
  const client = new OpenStackClient({
    authUrl: options.authUrl,
    auth: options.auth,
    region: options.region,
    interface: options.interface ?? 'public',
    insecure: options.insecure,
    ca: options.ca,
    timeoutMs: options.timeoutMs ?? 15_000,
    cap: options.cap,
    log: options.log,
  });
  const now = options.now ?? Date.now;
  const cloud: CloudFacts = { admin: null, computeMax: null };
  /** every migration seen that is still of interest, by id */
  let records = new Map<number, NovaMigration>();
  /** the newest change seen (Nova's clock, ms); null until the first full list */
  let newestChange: number | null = null;
  let lastFullList = Number.NEGATIVE_INFINITY;
  const instances = new Map<string, InstanceView>();
  const servers = new Map<string, NovaServer>();
  /** each busy instance's task and the operation it is */
  const taskIds = new Map<string, { task: string; nativeId: string }>();
  /** why a failed migration failed, read once from its instance action */
  const reasons = new Map<number, string | null>();

  async function learnCloud() {
    cloud.admin = await client.isAdmin();
    cloud.computeMax = (await client.service('compute')).max;
  }

  async function listAll(query: Record<string, string>): Promise<NovaMigration[]> {
    const version = (await client.microversion('listMigrations'))!;
    if ((await client.microversion('migrationsSince')) === null) return (await client.migrations(query, version)).migrations;
    const out: NovaMigration[] = [];
    let marker: string | undefined;
    // Nova names the next page while there is one (its max_limit may be below our page size)
    for (let n = 0; n < MAX_MIGRATION_PAGES; n++) {
      const page = await client.migrations({ ...query, limit: String(MIGRATIONS_PAGE), ...(marker ? { marker } : {}) }, version);
      out.push(...page.migrations);
      const last = page.migrations.at(-1)?.uuid;
      if (!hasNextPage(page.migrations_links) || !last || last === marker) return out;
      marker = last;
    }
    throw new AppError('engine_payload', `os-migrations kept naming a next page after ${MAX_MIGRATION_PAGES} pages`);
  }

  const changedAt = (m: NovaMigration) => utcMs(m.updated_at) ?? utcMs(m.created_at) ?? 0;

  /**
   * Brings `records` up to date: everything on the first call, on a cloud
   * without changes-since, and once a minute; only what changed otherwise.
   * The full list catches what changes-since cannot: a new record has no
   * updated_at until it moves, and one whose message was lost never moves.
   */
  async function refreshMigrations(): Promise<void> {
    const due = now() - lastFullList >= FULL_LIST_EVERY_MS;
    const incremental = !due && newestChange !== null && (await client.microversion('migrationsSince')) !== null;
    if (!incremental) lastFullList = now();
    const rows = incremental ? await listAll({ 'changes-since': new Date(newestChange! - CHANGES_SKEW_MS).toISOString() }) : await listAll({});
    if (!incremental) records = new Map();
    for (const m of rows) records.set(m.id, m);
    for (const m of rows) newestChange = Math.max(newestChange ?? 0, changedAt(m));
    newestChange ??= 0;
  }

  /** Every instance (names, task states): a failure fails the poll, so nothing is taken for gone on a bad answer. */
  async function refreshInstances(): Promise<void> {
    const list = await client.servers();
    instances.clear();
    servers.clear();
    for (const s of list) {
      instances.set(s.id, instanceView(s));
      servers.set(s.id, s);
    }
  }

  /** Why a migration failed, from Nova's instance action of the same kind and time (fetched once). */
  async function reasonOf(m: NovaMigration): Promise<string | null> {
    if (reasons.has(m.id)) return reasons.get(m.id)!;
    const names = ACTION_OF_KIND[migrationKind(m)] ?? [];
    const created = utcMs(m.created_at) ?? 0;
    try {
      const actions = await client.instanceActions(m.instance_uuid);
      const match = actions.find((a) => names.includes(a.action) && Math.abs((utcMs(a.start_time) ?? 0) - created) < 10_000);
      const reason = failureReason(match ? await client.instanceAction(m.instance_uuid, match.request_id) : null);
      reasons.set(m.id, reason);
      return reason;
    } catch {
      // asked again next poll: a passing failure to read it is not "no reason"
      return null;
    }
  }

  async function snapshotOf(m: NovaMigration, attachments?: Related[]): Promise<OperationSnapshot> {
    const kind = migrationKind(m);
    const detail =
      kind === 'live_migration' && m.status === 'running' && (await client.microversion('migrationDetail')) !== null
        ? await client.serverMigration(m.instance_uuid, m.id).catch((e: unknown) => {
            if (hasCode(e, 'not_found')) return null;
            throw e;
          })
        : null;
    const s = migrationSnapshot(m, { instance: instances.get(m.instance_uuid) ?? null, detail, attachments, autoConfirmS: options.resizeConfirmWindowS ?? 0 });
    if (s.state === 'failed') s.details.failure = await reasonOf(m);
    return s;
  }

  /** The migrations to report: in progress, changed in the last hour, or followed already. */
  async function currentMigrations(known: ReadonlyMap<string, Operation>): Promise<NovaMigration[]> {
    await refreshMigrations();
    const t = now();
    const out: NovaMigration[] = [];
    for (const m of records.values()) {
      const inProgress = !isTerminal(migrationState(m.status));
      // a record in progress whose instance is gone went with it (deleted records leave the list)
      if (inProgress && !instances.has(m.instance_uuid)) {
        records.delete(m.id);
        continue;
      }
      const recent = t - changedAt(m) < RECENT_MIGRATION_MS;
      if (inProgress || recent || known.has(migrationNativeId(m.id))) out.push(m);
      else records.delete(m.id);
    }
    return out;
  }

  /** Attaches, detaches and swaps from Cinder (3.27+; an older cloud shows none), and the attachments each live migration holds. */
  async function volumeSnapshots(known: ReadonlyMap<string, Operation>, migrating: ReadonlySet<string>) {
    if ((await client.microversion('attachments', 'volume')) === null) return { snapshots: [], byMigratingInstance: new Map<string, Related[]>() };
    // volumes first: a detach that ends between the two reads is then seen as still detaching, never as attached again
    const volumes = await client.volumes();
    const attachments = (await client.attachments()) ?? [];
    return volumeOperations({ attachments, volumes, instances, migrating, known });
  }

  /**
   * Instances busy with a task no migration explains: a delete, a rebuild, a
   * task left over after an outage (seed 002). A migrating or resize_* task
   * counts only once it has gone a minute without a record (Nova makes the
   * record a moment after the task). Each task is named by its instance
   * action (read once), so a later task of the instance is another operation.
   */
  async function taskSnapshots(moving: ReadonlySet<string>, known: ReadonlyMap<string, Operation>): Promise<OperationSnapshot[]> {
    const out: OperationSnapshot[] = [];
    for (const s of servers.values()) {
      const task = s['OS-EXT-STS:task_state'];
      if (!task || moving.has(s.id)) {
        taskIds.delete(s.id);
        continue;
      }
      const since = utcMs(s.updated) ?? now();
      if (cloud.admin && MIGRATION_TASKS.test(task) && now() - since < TASK_WITHOUT_RECORD_MS) continue;
      let id = taskIds.get(s.id);
      if (id?.task !== task) {
        const followed = [...known.values()].find((o) => o.kind === 'instance_task' && o.subject.id === s.id && o.nativePhase === task);
        const action = followed
          ? null
          : await client.instanceActions(s.id).then(
              (list) => list[0]?.request_id ?? null,
              () => null,
            );
        id = { task, nativeId: followed?.nativeId ?? taskNativeId(s.id, action ?? String(since)) };
        taskIds.set(s.id, id);
      }
      out.push(taskSnapshot(s, { nativeId: id.nativeId, migrationsVisible: cloud.admin === true }));
    }
    return out;
  }

  return {
    engine: 'openstack',
    capabilities: { push: false },
    client,
    cloud,

    async listOperations(ctx) {
      await learnCloud();
      const known = new Map((ctx?.known ?? []).filter((op) => !op.gone).map((op) => [op.nativeId, op]));
      await refreshInstances();
      // os-migrations is admin-only by Nova's default policy: without the role, only volumes and tasks show (the Engines page says why)
      const migrations = cloud.admin ? await currentMigrations(known) : [];
      const migrating = new Set(
        migrations.filter((m) => migrationKind(m) === 'live_migration' && !isTerminal(migrationState(m.status))).map((m) => m.instance_uuid),
      );
      const volumes = await volumeSnapshots(known, migrating);
      const moving = new Set(
        migrations.filter((m) => !isTerminal(migrationState(m.status)) && migrationState(m.status) !== 'ready').map((m) => m.instance_uuid),
      );
      const tasks = await taskSnapshots(moving, known);
      const snaps = await Promise.all(migrations.map((m) => snapshotOf(m, volumes.byMigratingInstance.get(m.instance_uuid))));
      return [...snaps, ...volumes.snapshots, ...tasks];
    },

    async getOperation(nativeId) {
      const id = migrationIdOf(nativeId);
      if (id === null) {
        // attachments, swaps and tasks: one look at Cinder and Nova as a poll takes it
        if (!/^(attachment|swap|task):/.test(nativeId)) return null;
        await refreshInstances();
        const snaps = nativeId.startsWith('task:') ? await taskSnapshots(new Set(), new Map()) : (await volumeSnapshots(new Map(), new Set())).snapshots;
        return snaps.find((x) => x.nativeId === nativeId) ?? null;
      }
      const instance = records.get(id)?.instance_uuid;
      if (!instance) return null;
      const version = (await client.microversion('listMigrations'))!;
      const m = (await client.migrations({ instance_uuid: instance }, version)).migrations.find((r) => r.id === id);
      if (!m) return null;
      records.set(m.id, m);
      return snapshotOf(m);
    },

    async resolveVanished(op: Operation) {
      const id = migrationIdOf(op.nativeId);
      if (op.kind === 'volume_attachment') {
        return attachmentAfterVanish(op, await client.volume(op.subject.id));
      }
      if (op.kind === 'volume_swap') return swapAfterVanish(op, (await client.attachments()) ?? []);
      if (op.kind === 'instance_task') return taskAfterVanish(op, await client.server(op.subject.id));
      if (id === null) throw new AppError('internal', `not an OpenStack operation: ${op.nativeId}`);
      const server = await client.server(op.subject.id);
      const version = (await client.microversion('listMigrations'))!;
      const record = server ? ((await client.migrations({ instance_uuid: op.subject.id }, version)).migrations.find((r) => r.id === id) ?? null) : null;
      return migrationAfterVanish({ nativeId: op.nativeId, lastPhase: op.nativePhase, instanceName: op.subject.name, server, record });
    },

    // Nova's own change signal: os-migrations?changes-since (2.59+), one small request.
    async changedSince(cursor) {
      if ((await client.microversion('migrationsSince')) === null) throw new AppError('unsupported', 'changes-since needs compute 2.59');
      if (cloud.admin === false) throw new AppError('unsupported', "os-migrations needs the admin role by Nova's default policy");
      const since = cursor !== null && /^\d+$/.test(cursor) ? Number(cursor) : null;
      if (since === null) return { changed: true, cursor: String(newestChange ?? 0) };
      const version = (await client.microversion('listMigrations'))!;
      const rows = (await client.migrations({ 'changes-since': new Date(since - CHANGES_SKEW_MS).toISOString(), limit: '50' }, version)).migrations;
      const newest = rows.reduce((max, m) => Math.max(max, changedAt(m)), since);
      return { changed: rows.some((m) => changedAt(m) > since || records.get(m.id)?.status !== m.status), cursor: String(newest) };
    },

    async describeEngine() {
      const [compute, volume] = await Promise.all([client.service('compute'), client.service('volume').catch(() => null)]);
      return { product: 'OpenStack', version: `compute ${compute.min}–${compute.max}${volume ? `, volume ${volume.min}–${volume.max}` : ''}` };
    },

    async inventory(): Promise<OpenStackInventory> {
      await learnCloud();
      const servers = await client.servers();
      const hosts = cloud.admin ? await client.computeServices() : [];
      return {
        instances: servers.map((s) => ({
          id: s.id,
          name: s.name,
          status: s.status,
          host: s['OS-EXT-SRV-ATTR:host'] ?? null,
          taskState: s['OS-EXT-STS:task_state'] ?? null,
        })),
        hosts: hosts.map((h) => ({ name: h.host, enabled: h.status === 'enabled', up: h.state === 'up', reason: h.disabled_reason ?? null })),
        blocked: cloud.admin ? null : ADMIN_REASON,
      };
    },

    // A migration the operator asks for: the instance must exist and the host must be one of the cloud's computes.
    async start(kind, params, log) {
      if (kind !== 'live_migration' && kind !== 'cold_migration') {
        throw new AppError('invalid_input', `kind: OpenStack starts live_migration or cold_migration, not "${kind}"`, { field: 'kind' });
      }
      const p = parseInput(MoveParams, params, kind.replace('_', ' '));
      await learnCloud();
      if (!cloud.admin) throw new AppError('engine_refused', `the migration was not sent: ${ADMIN_REASON}`);
      const s = await client.server(p.instance);
      if (!s) throw new AppError('invalid_input', `instance: no instance ${p.instance} in this cloud`, { field: 'instance' });
      if (p.host !== null) {
        const hosts = (await client.computeServices()).map((h) => h.host);
        if (!hosts.includes(p.host)) throw new AppError('invalid_input', `host: no compute host "${p.host}"; one of: ${hosts.join(', ')}`, { field: 'host' });
        if (p.host === s['OS-EXT-SRV-ATTR:host']) throw new AppError('invalid_input', `host: ${s.name} already runs on ${p.host}`, { field: 'host' });
      }
      const r = await moveRequest(client, kind, p);
      log(requestLine(r.request));
      await client.send(r.request, r.feature);
      const where = p.host ?? "the scheduler's choice";
      return { message: `${kind === 'live_migration' ? 'Live migration' : 'Cold migration'} of ${s.name} to ${where} accepted by Nova`, warnings: r.warnings };
    },

    describeActions: (op) => describeOpenStackActions(op, cloud),
    describePipeline: openstackPipeline,

    performAction: (op, request) => performOpenStackAction(client, cloud, op, request),

    async close() {},
  };
}
