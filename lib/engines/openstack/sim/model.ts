import 'server-only';
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * The simulated cloud's records, shaped as Nova's and Cinder's database rows
 * are (what their APIs render), and the small formats they are rendered in.
 * Times are epoch ms of the simulated clock.
 */

export interface Flavor {
  id: number;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
}

/** Nova's flavors by their internal integer id (what migrations' *_instance_type_id name). */
export const FLAVORS: readonly Flavor[] = [
  { id: 1, name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
  { id: 2, name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
  { id: 3, name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
  { id: 4, name: 'm1.xlarge', vcpus: 8, ram: 16384, disk: 160 },
];
export const flavor = (id: number): Flavor => FLAVORS.find((f) => f.id === id) ?? FLAVORS[1]!;

/** The compute hosts and the addresses cold migrations name as dest_host. */
export const HOSTS = [
  { host: 'compute-1', ip: '192.168.10.11' },
  { host: 'compute-2', ip: '192.168.10.12' },
  { host: 'compute-3', ip: '192.168.10.13' },
] as const;

export interface SimServer {
  id: string;
  name: string;
  flavorId: number;
  host: string;
  vmState: 'active' | 'resized' | 'error' | 'stopped';
  taskState: string | null;
  createdAt: number;
  updatedAt: number;
  launchedAt: number;
  instanceName: string;
  imageId: string;
  ip: string;
  /** volumes Nova has a block device mapping for (os-extended-volumes:volumes_attached) */
  volumes: string[];
}

export interface SimService {
  uuid: string;
  intId: number;
  binary: string;
  host: string;
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  /** the last report of the service (it reports every 10 s) */
  reportedAt: number;
}

/** A live migration's memory transfer as libvirt reports it (the migration record keeps the last sample). */
export interface MemoryRun {
  total: number;
  startedAt: number;
  /** ms until remaining reaches 0 (the scale of a run that never converges) */
  fullMs: number;
  /** false: dirty pages outpace the copy for ever */
  converges: boolean;
  periodMs: number;
  /** the last sample taken (0 at start) */
  k: number;
  forced?: { at: number; ms: number; processed: number; remaining: number };
  endedAt?: number;
}

export type MigrationType = 'live-migration' | 'migration' | 'resize';

export interface SimMigration {
  id: number;
  uuid: string;
  instanceUuid: string;
  type: MigrationType;
  status: string;
  sourceCompute: string;
  destCompute: string | null;
  sourceNode: string | null;
  destNode: string | null;
  destHost: string | null;
  oldFlavorId: number;
  newFlavorId: number;
  createdAt: number;
  updatedAt: number | null;
  userId: string;
  projectId: string;
  memory: { total: number; processed: number; remaining: number } | null;
  run: MemoryRun | null;
}

export type VolumeStatus = 'available' | 'reserved' | 'attaching' | 'in-use' | 'detaching' | 'error';

export interface SimVolume {
  id: string;
  name: string;
  size: number;
  status: VolumeStatus;
  createdAt: number;
  updatedAt: number;
}

export interface SimAttachment {
  id: string;
  volumeId: string;
  instance: string | null;
  status: 'reserved' | 'attaching' | 'attached' | 'detaching';
  /** Cinder writes the string "null" until the mode is decided; an attachment Nova just reserved shows JSON null */
  attachMode: 'rw' | 'null' | null;
  /** none: JSON null; empty: {} (Cinder has no connector yet); full: the iSCSI connection */
  connection: 'none' | 'empty' | 'full';
  attachedAt: number | null;
  /** the compute host it connects (a volume's attachments[].host_name) */
  host: string | null;
  device: string | null;
  createdAt: number;
}

export interface SimActionEvent {
  event: string;
  host: string;
  startTime: number;
  finishTime: number | null;
  result: 'Success' | 'Error' | null;
  traceback: string | null;
  details: string | null;
}

export interface SimInstanceAction {
  requestId: string;
  instanceUuid: string;
  action: string;
  userId: string;
  startTime: number;
  message: string | null;
  updatedAt: number | null;
  events: SimActionEvent[];
}

/** What Nova and Cinder answer when they refuse: status, fault name and their words. */
export interface SimFault {
  status: number;
  name: 'badRequest' | 'forbidden' | 'itemNotFound' | 'conflictingRequest' | 'computeFault';
  message: string;
}
export const fault = (status: SimFault['status'], message: string): SimFault => ({
  status,
  name: status === 400 ? 'badRequest' : status === 403 ? 'forbidden' : status === 404 ? 'itemNotFound' : status === 409 ? 'conflictingRequest' : 'computeFault',
  message,
});
export const isFault = (x: unknown): x is SimFault => typeof x === 'object' && x !== null && 'status' in x && 'name' in x && 'message' in x;

/** Nova's answer when an instance is not in a state an API call accepts (common.raise_http_conflict_for_instance_invalid_state). */
export function invalidState(action: string, s: SimServer, attr: 'vm_state' | 'task_state'): SimFault {
  const state = attr === 'vm_state' ? s.vmState : s.taskState;
  return fault(
    409,
    state === null ? `Instance ${s.id} is in an invalid state for '${action}'` : `Cannot '${action}' instance ${s.id} while it is in ${attr} ${state}`,
  );
}

/** Nova's status from vm_state and task_state (nova/api/openstack/common.py _STATE_MAP, the states used here). */
export function serverStatus(s: Pick<SimServer, 'vmState' | 'taskState'>): string {
  const t = s.taskState;
  if (s.vmState === 'active') {
    if (t === 'migrating') return 'MIGRATING';
    if (t && t.startsWith('resize_')) return 'RESIZE';
    return 'ACTIVE';
  }
  if (s.vmState === 'resized') return t === 'resize_reverting' ? 'REVERT_RESIZE' : 'VERIFY_RESIZE';
  if (s.vmState === 'stopped') return t && t.startsWith('resize_') ? 'RESIZE' : 'SHUTOFF';
  return 'ERROR';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const seconds = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
/** Nova's and Cinder's database times: whole seconds, no zone ("2026-11-21T23:18:41.000000"). */
export const dbTime = (ms: number) => `${seconds(ms)}.000000`;
export const dbTimeOrNull = (ms: number | null) => (ms === null ? null : dbTime(ms));
/** A server's created/updated ("2026-11-21T23:18:38Z"). */
export const zTime = (ms: number) => `${seconds(ms)}Z`;
/** Keystone's token times ("2026-11-22T00:18:36.000000Z"). */
export const keystoneTime = (ms: number) => `${seconds(ms)}.000000Z`;
/** A service's heartbeat, with microseconds ("2026-11-21T23:18:59.342864"). */
export const microTime = (ms: number) => `${seconds(ms)}.${pad((ms % 1000) * 1000 + 864, 6)}`;

/** Nova's hostId: sha224 of project id and host, so a user cannot learn host names. */
export const hostId = (projectId: string, host: string) =>
  createHash('sha224')
    .update(projectId + host)
    .digest('hex');
export const hex32 = () => randomBytes(16).toString('hex');
export const requestId = () => `req-${randomUUID()}`;

/**
 * Remaining memory (fraction of total) over the time of a converging run:
 * the first pass copies everything, then a few passes resend pages the guest
 * dirtied meanwhile (remaining goes back up a little each time).
 */
const CURVE: readonly [number, number][] = [
  [0, 1],
  [0.45, 0.1],
  [0.6, 0.22],
  [0.7, 0.06],
  [0.8, 0.14],
  [0.9, 0.02],
  [1, 0],
];

/** Remaining and re-sent (dirtied) fractions at fraction u of a converging run. */
function converging(u: number): { rem: number; dirt: number } {
  let dirt = 0;
  for (let i = 1; i < CURVE.length; i++) {
    const [t0, r0] = CURVE[i - 1]!;
    const [t1, r1] = CURVE[i]!;
    const f = Math.min(1, Math.max(0, (u - t0) / (t1 - t0)));
    if (r1 > r0) dirt += 1.5 * (r1 - r0) * f;
    if (u <= t1) return { rem: r0 + (r1 - r0) * f, dirt };
  }
  return { rem: 0, dirt };
}

/** A run that never converges: down to 30 % in the first pass, then between 30 % and 22 % for ever (8 s cycles at speed 1). */
function diverging(e: number, unitMs: number): { rem: number; dirt: number } {
  const first = 0.55 * unitMs;
  if (e <= first) return { rem: 1 - 0.7 * (e / first), dirt: 0 };
  const cycle = 0.2 * unitMs;
  const n = Math.floor((e - first) / cycle);
  const f = ((e - first) % cycle) / cycle;
  const rem = f < 0.5 ? 0.3 - 0.08 * (f / 0.5) : 0.22 + 0.08 * ((f - 0.5) / 0.5);
  return { rem, dirt: n * 0.12 + (f < 0.5 ? 0 : 0.12 * ((f - 0.5) / 0.5)) };
}

/**
 * Memory bytes processed and remaining at `t`, as libvirt counts them:
 * processed never goes down and ends above the total (dirtied pages are sent
 * again); remaining goes back up when the guest dirties pages faster than
 * they are sent. After a force-complete the guest is paused and the rest
 * drains at once.
 */
export function memoryAt(r: MemoryRun, t: number): { processed: number; remaining: number } {
  if (r.forced && t >= r.forced.at) {
    const f = Math.min(1, (t - r.forced.at) / r.forced.ms);
    const remaining = Math.round(r.forced.remaining * (1 - f));
    return { processed: r.forced.processed + (r.forced.remaining - remaining), remaining };
  }
  const e = Math.max(0, t - r.startedAt);
  const { rem, dirt } = r.converges ? converging(Math.min(1, e / r.fullMs)) : diverging(e, r.fullMs);
  return { processed: Math.round(r.total * (1 - rem + dirt)), remaining: Math.round(r.total * rem) };
}

/** The next flavor up (a resize's target), or the smallest after the largest. */
export const biggerFlavor = (id: number): number => FLAVORS.find((f) => f.id > id)?.id ?? FLAVORS[0]!.id;

/** A compute host's address, as Nova's dest_host shows it. */
export const hostIp = (host: string): string => HOSTS.find((h) => h.host === host)?.ip ?? '192.168.10.10';

/** Nova's InvalidMigrationState (a 400). */
export const badMigrationState = (id: number, instance: string, state: string, method: string) =>
  `Migration ${id} state of instance ${instance} is ${state}. Cannot ${method} while the migration is in this state.`;
