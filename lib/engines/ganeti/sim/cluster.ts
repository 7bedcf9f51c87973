import 'server-only';
import { simMachineName } from '../../sim-names';
import { programOf, type Faults, type Step } from './programs';

/**
 * A simulated Ganeti cluster with the job semantics of the real one
 * (fixtures/): a job is queued, waits while another job holds its instance,
 * runs its opcode's steps (each a log line or a change to the cluster), and
 * ends success, error (with Ganeti's error class) or canceled. An instance's
 * status is derived as Ganeti derives it, from the config (its primary
 * node) against the hypervisor (where it runs): running on another node or
 * on none is ERROR_down.
 */

export const DOMAIN = 'gnt.example';
export const NODES = [1, 2, 3].map((n) => `node${n}.${DOMAIN}`);

export interface SimNode {
  name: string;
  ip: string;
  /** noded stopped: every call to the node fails */
  down: boolean;
}

export interface SimInstance {
  name: string;
  uuid: string;
  /** the config's primary node */
  pnode: string;
  /** where the hypervisor runs it, whatever the config says (null: nowhere) */
  runningOn: string | null;
  adminUp: boolean;
  memoryMiB: number;
  mtime: number;
}

export type LogEntryTuple = [number, [number, number], string, string];

export interface SimJob {
  id: number;
  opcode: Record<string, unknown> & { OP_ID: string; instance_name: string };
  summary: string;
  status: 'queued' | 'waiting' | 'running' | 'success' | 'error' | 'canceled';
  receivedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  log: LogEntryTuple[];
  result: unknown;
  faults: Faults;
  steps: Step[] | null;
  next: number;
  nextAt: number;
  /** simulated time skipped for this job alone (a presenter's "skip ahead") */
  skew: number;
  speed: number;
}

/** Ended jobs leave the list after this (Ganeti: hours, by its queue cleaner). */
const ARCHIVE_AFTER_MS = 15 * 60_000;
/** A job is picked from the queue this long after it was submitted (at speed 1). */
const QUEUE_MS = 400;
const ts = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1000];
const uuid = (n: number) => `5e1a${n.toString(16).padStart(4, '0')}-7d9a-4a35-a6f1-${n.toString(16).padStart(12, '0')}`;

export class SimCluster {
  readonly nodes = new Map<string, SimNode>(NODES.map((name, i) => [name, { name, ip: `198.51.100.${i + 1}`, down: false }]));
  readonly instances = new Map<string, SimInstance>();
  readonly jobs = new Map<number, SimJob>();
  private nextJob = 1;
  private instanceSeq = 0;
  /** a change counter: a /wait answers as soon as it moves */
  version = 0;

  constructor(readonly now: () => number) {}

  /** A new instance, running on `node` (round robin when not named). */
  addInstance(node?: string): SimInstance {
    this.instanceSeq += 1;
    const name = `${simMachineName(this.instanceSeq)}.${DOMAIN}`;
    const pnode = node ?? NODES[(this.instanceSeq - 1) % NODES.length]!;
    const i: SimInstance = {
      name,
      uuid: uuid(this.instanceSeq),
      pnode,
      runningOn: pnode,
      adminUp: true,
      memoryMiB: 512 * (1 + (this.instanceSeq % 4)),
      mtime: this.now(),
    };
    this.instances.set(name, i);
    this.version += 1;
    return i;
  }

  /** Once the cluster has a dozen instances, a healthy one no job holds is used again (a demo left running does not grow without end). */
  idleInstance(): SimInstance | null {
    if (this.instances.size < 12) return null;
    const busy = new Set([...this.jobs.values()].filter((j) => j.endedAt === null).map((j) => j.opcode.instance_name));
    const idle = [...this.instances.values()].filter((i) => !busy.has(i.name) && SimCluster.status(i) === 'running');
    return idle.length ? idle[Math.floor(Math.random() * idle.length)]! : null;
  }

  /** Ganeti's status word for an instance: the config against the hypervisor. */
  static status(i: SimInstance): string {
    if (i.adminUp) return i.runningOn === i.pnode ? 'running' : 'ERROR_down';
    return i.runningOn ? 'ERROR_up' : 'ADMIN_down';
  }

  submit(opcode: SimJob['opcode'], o: { speed: number; faults?: Faults }): SimJob {
    const t = this.now();
    const id = this.nextJob++;
    const job: SimJob = {
      id,
      opcode,
      summary: `${opcode.OP_ID.replace(/^OP_/, '')}(${opcode.instance_name})`,
      status: 'queued',
      receivedAt: t,
      startedAt: null,
      endedAt: null,
      log: [],
      result: null,
      faults: o.faults ?? {},
      steps: null,
      next: 0,
      nextAt: t + QUEUE_MS / o.speed,
      skew: 0,
      speed: o.speed,
    };
    this.jobs.set(id, job);
    this.version += 1;
    return job;
  }

  /** Cancels a queued or waiting job, in Ganeti's words either way. */
  cancel(id: number): [boolean, string] {
    this.tick();
    const j = this.jobs.get(id);
    if (!j || j.status === 'success' || j.status === 'error' || j.status === 'canceled') return [false, `Job ${id} not found in queue`];
    if (j.status === 'running') return [false, `Job ${id} is no longer waiting in the queue`];
    this.end(j, 'canceled', ['Job canceled by request'], this.now() + j.skew);
    return [true, 'Job successfully cancelled'];
  }

  /** Plays the next `ms` of one job at once. */
  playAhead(id: number, ms: number): boolean {
    const j = this.jobs.get(id);
    if (!j || j.endedAt !== null) return false;
    j.skew += ms;
    this.tick();
    return true;
  }

  /** Brings every job up to now: picks queued ones, runs due steps, in job order (as Ganeti's queue does); archives old ones. */
  tick(): void {
    for (const j of [...this.jobs.values()].sort((a, b) => a.id - b.id)) {
      // Ganeti archives ended jobs after hours; a demo left running for days keeps its list short
      if (j.endedAt !== null && this.now() + j.skew - j.endedAt > ARCHIVE_AFTER_MS) {
        this.jobs.delete(j.id);
        continue;
      }
      const t = this.now() + j.skew;
      if (j.status === 'queued' || j.status === 'waiting') {
        if (t < j.nextAt) continue;
        if (this.locked(j)) {
          if (j.status === 'queued') this.set(j, 'waiting');
          continue;
        }
        this.set(j, 'running');
        j.startedAt = t;
        j.steps = programOf(this, j);
        j.next = 0;
        j.nextAt = t + (j.steps[0]?.afterMs ?? 0) / j.speed;
      }
      while (j.status === 'running' && j.steps && t >= j.nextAt) {
        const step = j.steps[j.next]!;
        const at = j.nextAt;
        if (step.log) this.log(j, at, step.log);
        step.do?.(this);
        if (step.fail) return void this.end(j, 'error', [step.fail], at);
        j.next += 1;
        if (j.next >= j.steps.length) {
          this.end(j, 'success', [null], at);
          break;
        }
        j.nextAt = at + j.steps[j.next]!.afterMs / j.speed;
      }
    }
  }

  /** Another running job holds the instance (Ganeti's instance lock). */
  private locked(j: SimJob): boolean {
    for (const o of this.jobs.values()) if (o !== j && o.status === 'running' && o.opcode.instance_name === j.opcode.instance_name) return true;
    return false;
  }

  private set(j: SimJob, status: SimJob['status']) {
    j.status = status;
    this.version += 1;
  }

  private log(j: SimJob, at: number, text: string) {
    j.log.push([j.log.length + 1, ts(Math.round(at)), 'message', text]);
    this.version += 1;
  }

  private end(j: SimJob, status: 'success' | 'error' | 'canceled', result: unknown[], at: number) {
    j.status = status;
    j.result = result;
    j.endedAt = at;
    this.version += 1;
    this.tick();
  }

  touch(i: SimInstance) {
    i.mtime = this.now();
    this.version += 1;
  }

  // --- RAPI views (the shapes of fixtures/) ---

  jobView(j: SimJob, full: boolean) {
    const base = {
      id: j.id,
      ops: [{ debug_level: 0, priority: 0, depends: null, comment: null, reason: [['gnt:library:rlib2', '', j.receivedAt * 1e6]], ...j.opcode }],
      status: j.status,
      summary: [j.summary],
      opstatus: [j.status === 'waiting' ? 'waiting' : j.status],
      received_ts: ts(Math.round(j.receivedAt)),
      start_ts: j.startedAt === null ? null : ts(Math.round(j.startedAt)),
      end_ts: j.endedAt === null ? null : ts(Math.round(j.endedAt)),
    };
    return full ? { ...base, oplog: [j.log], opresult: j.result ?? [null] } : base;
  }

  instanceView(i: SimInstance) {
    const running = i.runningOn === i.pnode;
    return {
      name: i.name,
      uuid: i.uuid,
      admin_state: i.adminUp ? 'up' : 'down',
      os: 'noop',
      pnode: i.pnode,
      snodes: [],
      disk_template: 'diskless',
      oper_state: running,
      oper_ram: running ? i.memoryMiB : null,
      status: SimCluster.status(i),
      beparams: { minmem: i.memoryMiB, maxmem: i.memoryMiB, vcpus: 1 },
      mtime: i.mtime / 1000,
      serial_no: 1,
      tags: [],
    };
  }

  nodeView(n: SimNode) {
    const primaries = [...this.instances.values()].filter((i) => i.pnode === n.name).map((i) => i.name);
    return {
      name: n.name,
      offline: false,
      drained: false,
      master_candidate: true,
      vm_capable: true,
      role: n.name === NODES[0] ? 'M' : 'C',
      pip: n.ip,
      pinst_list: primaries,
    };
  }
}
