import 'server-only';
import { randomUUID } from 'node:crypto';
import { simMachineName } from '../../sim-names';
import { attachVolume, coldMigration, detachVolume, swapVolume } from './flows';
import { liveMigration } from './live';
import {
  badMigrationState,
  biggerFlavor,
  FLAVORS,
  HOSTS,
  fault,
  hostIp,
  invalidState,
  type SimAttachment,
  type SimFault,
  type SimServer,
  type SimVolume,
  type VolumeStatus,
} from './model';
import type { Op } from './program';
import { SCENARIOS } from './scenarios';
import { CloudState } from './state';

export interface ScenarioStart {
  /** how the adapter names the operation: migration:<id>, attachment:<uuid>, swap:<instance>:<old volume>, task:<instance>:<request id> */
  nativeId: string;
  instanceId: string;
}

/** Finished operations are forgotten (for skip and the mix) this long after they end. */
const KEEP_ENDED_OPS_MS = 10 * 60_000;
const MAX_VOLUMES = 400;
const VOLUME_SUFFIXES = ['data', 'logs', 'backup', 'wal', 'archive', 'scratch'];
const IMAGE_ID = '5f2a3c1e-8d4b-4f6a-9e7c-2b1d0a9f8e7d';

/**
 * The simulated cloud: Nova's servers, compute services, migrations and
 * instance actions, Cinder's volumes and attachments. Flows (live.ts, flows.ts)
 * change it as time passes; every read first plays what is due (tick), so
 * nothing runs between requests. Checks that refuse a call answer Nova's or
 * Cinder's fault, in their words.
 */
export class SimCloud {
  readonly st: CloudState;
  readonly ops = new Map<string, Op>();
  /** the speed of what phaseboard (or anyone) starts through the API */
  speed = 1;
  /** Nova's and Cinder's max_limit: the most one page of a list holds (tests lower it to see paging) */
  maxLimit = 1000;
  private seq = 0;
  private readonly endedAt = new Map<string, number>();
  private readonly random: () => number;

  constructor(
    readonly now: () => number = Date.now,
    o: { servers?: number; random?: () => number } = {},
  ) {
    this.st = new CloudState(now);
    this.random = o.random ?? Math.random;
    const n = o.servers ?? 9;
    for (let i = 0; i < n; i++) this.newServer(i % 3 !== 2);
  }

  get projectId(): string {
    return this.st.projectId;
  }
  get userId(): string {
    return this.st.userId;
  }

  /** Plays everything that is due: flows, memory samples, service heartbeats. */
  tick(): void {
    const now = this.now();
    for (const op of this.ops.values()) op.program?.advance(now);
    for (const m of this.st.migrations.values()) if (m.run && m.run.endedAt === undefined) this.st.sampleMemory(m, now);
    // services report every 10 s, each at its own moment
    for (const s of this.st.services) s.reportedAt = now - ((now + s.intId * 1_371) % 10_000);
    for (const [id, op] of this.ops) {
      if (!op.program?.finished) continue;
      const ended = this.endedAt.get(id) ?? now;
      this.endedAt.set(id, ended);
      if (now - ended > KEEP_ENDED_OPS_MS / op.program.speed) {
        this.ops.delete(id);
        this.endedAt.delete(id);
      }
    }
  }

  server(id: string): SimServer | undefined {
    return this.st.servers.get(id);
  }

  // ---- scenarios

  startScenario(id: string, o: { speed?: number; owner?: Op['owner'] } = {}): ScenarioStart {
    if (!SCENARIOS.some((s) => s.id === id)) throw new Error(`unknown scenario ${id}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
    this.tick();
    const speed = o.speed ?? 1;
    const owner = o.owner ?? 'scenario';
    const now = this.now();
    const st = this.st;
    const live = (s: SimServer, extra: { converge?: boolean; computeLost?: boolean; dest?: string | null } = {}) =>
      this.track(
        liveMigration(st, s, speed, now, {
          dest: extra.dest === undefined ? this.schedule(s, null) : extra.dest,
          converge: extra.converge ?? true,
          computeLost: extra.computeLost,
          owner,
        }),
      );
    switch (id) {
      case 'live-migration':
        return live(this.pick());
      case 'live-migration-stuck':
        return live(this.pick(), { converge: false });
      case 'live-migration-with-volume':
        return live(this.pick({ volume: true }));
      case 'stuck-migration-record':
        return live(this.pick(), { computeLost: true });
      case 'live-migration-no-valid-host': {
        const s = this.pick();
        this.maintenanceHost(s.host);
        return live(s, { dest: null });
      }
      case 'cold-migration':
      case 'resize': {
        const s = this.pick();
        const dest = this.schedule(s, null) ?? s.host;
        const newFlavorId = id === 'resize' ? biggerFlavor(s.flavorId) : null;
        return this.track(coldMigration(st, s, speed, now, { dest, destIp: hostIp(dest), newFlavorId, owner }));
      }
      case 'resize-unconfirmed': {
        // finished two hours ago and nobody confirmed it (Nova's resize_confirm_window is 0: it waits for ever)
        const s = this.pick();
        const dest = this.schedule(s, null) ?? s.host;
        return this.track(coldMigration(st, s, 1, now - 2 * 3_600_000 - 5_500, { dest, destIp: hostIp(dest), newFlavorId: biggerFlavor(s.flavorId), owner }));
      }
      case 'volume-attach': {
        const s = this.pick();
        return this.track(attachVolume(st, s, this.freeVolume(s), speed, now, owner));
      }
      case 'volume-detach': {
        const s = this.pick({ volume: true });
        return this.track(detachVolume(st, s, this.dataAttachment(s), speed, now, owner));
      }
      case 'volume-swap':
      case 'volume-swap-fails': {
        const s = this.pick({ volume: true });
        const old = this.dataAttachment(s);
        return this.track(swapVolume(st, s, old, this.successorVolume(old.volumeId), speed, now, id === 'volume-swap-fails', owner));
      }
      case 'stale-reservation': {
        // a reservation made through Cinder for an instance that never attached it (a tool that died half-way)
        const s = this.pick();
        const v = this.freeVolume(s);
        const att = st.newAttachment(v, s.id, now);
        st.setVolume(v, 'reserved', now);
        return this.track({ nativeId: `attachment:${att.id}`, instanceId: s.id, program: null, owner });
      }
      case 'stuck-deleting': {
        // the delete was accepted, the message to the compute never arrived (seed 002's message-bus outage)
        const s = this.pick();
        s.taskState = 'deleting';
        st.touch(s, now);
        const action = st.startAction(s.id, 'delete', now);
        // named by the instance action it is, as the adapter names tasks
        const op: Op = { nativeId: `task:${s.id}:${action.requestId}`, instanceId: s.id, program: null, owner };
        st.busy.set(s.id, op.nativeId);
        return this.track(op);
      }
      default:
        throw new Error(`scenario ${id} has no flow`);
    }
  }

  /** Plays the next `ms` of an operation at once; false when it is not known or waits for someone. */
  playAhead(nativeId: string, ms: number): boolean {
    const op = this.ops.get(nativeId);
    if (!op) return false;
    if (op.program) return op.program.skip(ms, this.now(), () => op.onSkip?.(ms));
    // a stuck one has nothing to play: it ages instead, as its records would after that long (a presenter's finding shows at once)
    const server = this.st.servers.get(op.instanceId);
    if (nativeId.startsWith('task:') && server) server.updatedAt -= ms;
    const attachment = nativeId.startsWith('attachment:') ? this.st.attachments.get(nativeId.slice('attachment:'.length)) : undefined;
    const volume = attachment ? this.st.volumes.get(attachment.volumeId) : undefined;
    if (volume) volume.updatedAt -= ms;
    return Boolean(server ?? volume);
  }

  // ---- Nova's actions (the route has found the server and checked the policy)

  liveMigrate(s: SimServer, host: string | null, userId: string): SimFault | null {
    if (s.vmState !== 'active') return invalidState('os-migrateLive', s, 'vm_state');
    if (s.taskState !== null) return invalidState('os-migrateLive', s, 'task_state');
    if (host !== null && !this.computeService(host)) return fault(400, `Compute host ${host} could not be found.`);
    this.track(liveMigration(this.st, s, this.speed, this.now(), { dest: this.schedule(s, host), converge: true, owner: 'api', userId }));
    return null;
  }

  /** migrate (newFlavorId null) or resize. */
  migrate(s: SimServer, host: string | null, newFlavorId: number | null, userId: string): SimFault | null {
    const verb = newFlavorId === null ? 'migrate' : 'resize';
    if (newFlavorId !== null && !FLAVORS.some((f) => f.id === newFlavorId)) return fault(400, 'Unable to locate requested flavor.');
    if (newFlavorId === s.flavorId) return fault(400, 'When resizing, instances must change flavor!');
    if (s.vmState !== 'active' && s.vmState !== 'stopped') return invalidState(verb, s, 'vm_state');
    if (s.taskState !== null) return invalidState(verb, s, 'task_state');
    if (host !== null && !this.computeService(host)) return fault(400, `Compute host ${host} could not be found.`);
    if (host === s.host) return fault(400, 'Cannot migrate to the host where the server exists.');
    const dest = this.schedule(s, host);
    if (dest === null) return fault(400, `No valid host was found. No valid host found for ${verb === 'migrate' ? 'cold migrate' : 'resize'}`);
    this.track(coldMigration(this.st, s, this.speed, this.now(), { dest, destIp: hostIp(dest), newFlavorId, owner: 'api', userId }));
    return null;
  }

  /** confirmResize / revertResize of the instance's finished migration. */
  endResize(s: SimServer, how: 'confirmResize' | 'revertResize', userId: string): SimFault | null {
    if (s.vmState !== 'resized') return invalidState(how, s, 'vm_state');
    if (s.taskState !== null) return invalidState(how, s, 'task_state');
    const m = [...this.st.migrations.values()].find((x) => x.instanceUuid === s.id && x.status === 'finished');
    const op = m && this.ops.get(`migration:${m.id}`);
    if (!op) return fault(400, 'Instance has not been resized.');
    if (how === 'confirmResize') op.confirm?.(this.now(), userId);
    else op.revert?.(this.now(), userId);
    return null;
  }

  forceComplete(s: SimServer, mid: number, userId: string): SimFault | null {
    if (s.vmState !== 'active') return invalidState('force_complete', s, 'vm_state');
    if (s.taskState !== 'migrating') return invalidState('force_complete', s, 'task_state');
    const m = this.st.migrations.get(mid);
    if (!m || m.instanceUuid !== s.id) return fault(400, `Migration ${mid} not found for instance ${s.id}`);
    if (m.status !== 'running') return fault(400, badMigrationState(m.id, s.id, m.status, 'force complete'));
    this.ops.get(`migration:${m.id}`)?.forceComplete?.(this.now(), userId);
    return null;
  }

  /** DELETE /servers/{id}/migrations/{mid}: running only, or also queued/preparing from 2.65. */
  abort(s: SimServer, mid: number, queuedToo: boolean, userId: string): SimFault | null {
    if (s.taskState !== 'migrating') return invalidState('abort live migration', s, 'task_state');
    const m = this.st.migrations.get(mid);
    if (!m || m.instanceUuid !== s.id) return fault(404, `Migration ${mid} not found for instance ${s.id}`);
    const allowed = queuedToo ? ['running', 'queued', 'preparing'] : ['running'];
    if (!allowed.includes(m.status)) return fault(400, badMigrationState(m.id, s.id, m.status, 'abort live migration'));
    this.ops.get(`migration:${m.id}`)?.abort?.(this.now(), userId);
    return null;
  }

  /** os-resetState: what an admin does to a stuck task (the instance forgets it; nothing is undone). */
  resetState(s: SimServer, state: 'active' | 'error'): void {
    s.vmState = state;
    s.taskState = null;
    this.st.touch(s, this.now());
    this.st.busy.delete(s.id);
  }

  // ---- Cinder's actions

  /** POST /attachments without a connector: a reservation. */
  reserve(volumeId: string, instance: string | null): SimAttachment | SimFault {
    const v = this.st.volumes.get(volumeId);
    if (!v) return fault(404, `Volume ${volumeId} could not be found.`);
    const sameInstance = instance !== null && this.st.attachmentsOf(v.id).some((a) => a.instance === instance);
    if (v.status !== 'available' && !(sameInstance && (v.status === 'in-use' || v.status === 'reserved'))) {
      return fault(400, `Invalid volume: Volume ${v.id} status must be available or downloading to reserve, but the current status is ${v.status}.`);
    }
    const now = this.now();
    const a = this.st.newAttachment(v, instance, now);
    if (v.status === 'available') this.st.setVolume(v, 'reserved', now);
    return a;
  }

  /** DELETE /attachments/{id}: answers the attachments left on the volume. */
  deleteAttachment(id: string): SimAttachment[] | SimFault {
    const a = this.st.attachments.get(id);
    if (!a) return fault(404, `Volume attachment could not be found with filter: attachment_id = ${id}.`);
    // Cinder refuses to cut a connection Nova still uses (bug 2004555): detach through Nova instead
    if (a.instance && a.connection === 'full' && this.st.servers.get(a.instance)?.volumes.includes(a.volumeId)) {
      return fault(409, `Detach volume from instance ${a.instance} using the Compute API`);
    }
    this.st.attachments.delete(id);
    const left = this.st.attachmentsOf(a.volumeId);
    const v = this.st.volumes.get(a.volumeId);
    if (v) this.st.setVolume(v, left.some((x) => x.status === 'attached') ? 'in-use' : left.length > 0 ? v.status : 'available', this.now());
    return left;
  }

  /** os-reset_status (admin): the record says what it is told; attach_status detached drops its attachments. */
  resetVolume(v: SimVolume, status: VolumeStatus, attachStatus: string | null): SimFault | null {
    if (status === 'in-use' && this.st.attachmentsOf(v.id).length === 0)
      return fault(400, 'Cannot reset-state to in-use because volume does not have any attachments.');
    this.st.setVolume(v, status, this.now());
    if (attachStatus === 'detached') for (const a of this.st.attachmentsOf(v.id)) this.st.attachments.delete(a.id);
    return null;
  }

  // ---- helpers

  private track(op: Op): ScenarioStart {
    this.ops.set(op.nativeId, op);
    return { nativeId: op.nativeId, instanceId: op.instanceId };
  }

  computeService(host: string) {
    return this.st.services.find((x) => x.binary === 'nova-compute' && x.host === host);
  }

  /** What the scheduler answers: the requested host if it is up and enabled, else the emptiest enabled host but the source. */
  private schedule(s: SimServer, requested: string | null): string | null {
    const load = (h: string) => [...this.st.servers.values()].filter((x) => x.host === h).length;
    const ok = this.st.services.filter(
      (x) => x.binary === 'nova-compute' && x.status === 'enabled' && x.host !== s.host && (requested === null || x.host === requested),
    );
    return ok.map((x) => x.host).sort((a, b) => load(a) - load(b))[0] ?? null;
  }

  /** A host other than `except` taken out for maintenance (disabled), the one a no-valid-host scenario aims at. */
  private maintenanceHost(except: string): string {
    const disabled = this.st.services.find((x) => x.binary === 'nova-compute' && x.status === 'disabled' && x.host !== except);
    if (disabled) return disabled.host;
    const svc = this.st.services.filter((x) => x.binary === 'nova-compute' && x.host !== except).at(-1)!;
    Object.assign(svc, { status: 'disabled', disabledReason: 'maintenance: firmware upgrade' });
    return svc.host;
  }

  /** An idle instance (ACTIVE, no task, no operation on it), with a data volume when asked; a new one when none is. */
  private pick(o: { volume?: boolean } = {}): SimServer {
    const idle = [...this.st.servers.values()].filter(
      (s) => s.vmState === 'active' && s.taskState === null && !this.st.busy.has(s.id) && (!o.volume || this.dataAttachments(s).length > 0),
    );
    if (idle.length > 0) return idle[Math.floor(this.random() * idle.length)]!;
    return this.newServer(o.volume ?? false);
  }

  private newServer(withVolume: boolean): SimServer {
    const now = this.now();
    this.seq += 1;
    const load = (h: string) => [...this.st.servers.values()].filter((x) => x.host === h).length;
    const hosts = this.st.services.filter((x) => x.binary === 'nova-compute' && x.status === 'enabled').map((x) => x.host);
    const host = hosts.sort((a, b) => load(a) - load(b))[0] ?? HOSTS[0].host;
    const createdAt = now - Math.floor((1 + this.random() * 40) * 86_400_000);
    const s: SimServer = {
      id: randomUUID(),
      name: simMachineName(this.seq),
      // m1.medium (4 GiB): a resize moves it up
      flavorId: 2,
      host,
      vmState: 'active',
      taskState: null,
      createdAt,
      updatedAt: createdAt + 40_000,
      launchedAt: createdAt + 35_000,
      instanceName: `instance-${this.seq.toString(16).padStart(8, '0')}`,
      imageId: IMAGE_ID,
      ip: `10.20.0.${10 + (this.seq % 240)}`,
      volumes: [],
    };
    this.st.servers.set(s.id, s);
    if (withVolume) {
      const v = this.st.newVolume(`${s.name}-data`, 100, createdAt + 60_000);
      const a = this.st.newAttachment(v, s.id, createdAt + 60_000);
      this.st.connect(a, s, createdAt + 62_000);
      this.st.setVolume(v, 'in-use', createdAt + 62_000);
      s.volumes.push(v.id);
    }
    return s;
  }

  private dataAttachments(s: SimServer): SimAttachment[] {
    return this.st.attachedOn(s.id).filter((a) => this.st.attachmentsOf(a.volumeId).length === 1 && this.st.volumes.get(a.volumeId)?.status === 'in-use');
  }

  private dataAttachment(s: SimServer): SimAttachment {
    return this.dataAttachments(s)[0]!;
  }

  /** A volume for `s` to attach: a new one named after it (db01-logs), or an unused one of its when all names are taken. */
  private freeVolume(s: SimServer): SimVolume {
    const names = new Set([...this.st.volumes.values()].map((v) => v.name));
    const suffix = VOLUME_SUFFIXES.find((x) => !names.has(`${s.name}-${x}`));
    const spare = [...this.st.volumes.values()].find(
      (v) => v.status === 'available' && v.name.startsWith(`${s.name}-`) && this.st.attachmentsOf(v.id).length === 0,
    );
    if (!suffix && spare) return spare;
    this.st.forgetSpareVolumes(MAX_VOLUMES);
    return this.st.newVolume(suffix ? `${s.name}-${suffix}` : `${s.name}-vol${names.size}`, suffix === 'logs' ? 20 : 100, this.now());
  }

  /** The volume a swap moves to: db01-data → db01-data-v2 (bigger). */
  private successorVolume(volumeId: string): SimVolume {
    const old = this.st.volumes.get(volumeId)!;
    const base = old.name.replace(/-v\d+$/, '');
    const names = new Set([...this.st.volumes.values()].map((v) => v.name));
    let n = 2;
    while (names.has(`${base}-v${n}`)) n += 1;
    this.st.forgetSpareVolumes(MAX_VOLUMES);
    return this.st.newVolume(`${base}-v${n}`, old.size * 2, this.now());
  }
}
