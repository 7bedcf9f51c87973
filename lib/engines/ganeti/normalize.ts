import 'server-only';
import type { DetailSpecs, Related } from '@/lib/model/details';
import type { OperationKind, OperationState } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import { logAt, logText, opFailure, tsIso, type Instance, type Job, type LogEntry, type Opcode } from './parse';

/** Ganeti's job statuses as phaseboard's states. */
const STATES: Record<string, OperationState> = {
  queued: 'pending',
  waiting: 'pending',
  running: 'running',
  canceling: 'running',
  success: 'succeeded',
  error: 'failed',
  canceled: 'cancelled',
};
export const jobState = (status: string): OperationState => STATES[status] ?? 'unknown';

export const jobNativeId = (id: number) => `job:${id}`;
export function jobIdOf(nativeId: string): number | null {
  const m = /^job:(\d{1,12})$/.exec(nativeId);
  return m ? Number(m[1]) : null;
}

/** The opcode a job is about: its first one naming an instance (jobs about nothing else are not shown). */
export const instanceOpcode = (j: Job): Opcode | null => j.ops?.find((o) => typeof o.instance_name === 'string') ?? null;

export function jobKind(op: Opcode): OperationKind {
  if (op.OP_ID === 'OP_INSTANCE_FAILOVER') return 'failover';
  if (op.OP_ID !== 'OP_INSTANCE_MIGRATE') return 'instance_task';
  if (op.cleanup) return 'migration_cleanup';
  // no mode: the hypervisor's migration_mode, live unless a cluster changed it
  return op.mode === 'non-live' ? 'cold_migration' : 'live_migration';
}

/** Every log entry of the job, all opcodes, in serial order. */
export const jobLog = (j: Job): LogEntry[] => (j.oplog ?? []).flat().sort((a, b) => a[0] - b[0]);

/** Where a job is going, from what it was told or what it logged: an allocator's choice shows only in the log. */
export function targetOf(op: Opcode, log: readonly LogEntry[]): string | null {
  if (op.target_node) return op.target_node;
  for (const e of log) {
    const t = logText(e);
    const m =
      /Selected nodes for instance \S+ via iallocator \S+: (\S+)/.exec(t) ??
      /\* migrating instance to (\S+)/.exec(t) ??
      /starting the instance on the target node (\S+)/.exec(t);
    if (m) return m[1]!.replace(/,$/, '');
  }
  return null;
}

/** Where a cleanup found the instance running ("* instance running on: node2"); null before it looked or when it runs nowhere. */
export function foundOn(log: readonly LogEntry[]): string | null {
  for (const e of log) {
    const m = /^\* instance running on: (\S*)$/.exec(logText(e));
    if (m) return m[1] || null;
  }
  return null;
}

/** Progress a job logs: the KVM migration's "memory transfer progress: 42.10 %" or a disk sync's "42.00% done". */
export function progressOf(log: readonly LogEntry[]): number | null {
  for (let i = log.length - 1; i >= 0; i--) {
    const m = /transfer progress: (\d{1,3}(?:\.\d+)?) ?%|(\d{1,3}(?:\.\d+)?)% done/.exec(logText(log[i]!));
    if (m) return Math.min(100, Number(m[1] ?? m[2]));
  }
  return null;
}

export interface JobContext {
  instance: Instance | null;
  /** the source node recorded when phaseboard first saw the job (the primary moves at the end of a migration) */
  source: string | null;
}

/** One job as an operation: job and opcode statuses, nodes, the log as timeline points, and the error in Ganeti's words with its class. */
export function jobSnapshot(j: Job, op: Opcode, ctx: JobContext): OperationSnapshot {
  const status = j.status ?? 'unknown';
  const log = jobLog(j);
  const kind = jobKind(op);
  const moves = kind !== 'instance_task';
  // a cleanup moves nothing: its "target" is where it found the instance running
  const target = kind === 'migration_cleanup' ? foundOn(log) : moves ? targetOf(op, log) : null;
  const failure = (j.opresult ?? []).map(opFailure).find((f) => f !== null) ?? null;
  const percent = status === 'running' ? progressOf(log) : null;
  const related: Related[] = [];
  if (ctx.source) related.push({ role: 'source node', type: 'node', id: ctx.source, name: ctx.source });
  if (target) related.push({ role: 'target node', type: 'node', id: target, name: target });
  const name = op.instance_name!;
  return {
    nativeId: jobNativeId(j.id),
    kind,
    subject: { type: 'instance', id: name, name },
    nativePhase: status,
    state: jobState(status),
    progress: percent === null ? null : { unit: 'percent', done: percent, total: 100 },
    details: {
      jobId: j.id,
      opcodes: (j.summary ?? []).join(', '),
      opStatus: (j.opstatus ?? []).join(', '),
      ...(moves ? { source: ctx.source, target, mode: op.OP_ID === 'OP_INSTANCE_MIGRATE' ? (op.mode ?? 'default') : null } : {}),
      allocator: op.target_node ? null : (op.iallocator ?? null),
      instanceStatus: ctx.instance?.status ?? null,
      primaryNode: ctx.instance?.pnode ?? null,
      errorClass: failure && status !== 'canceled' ? failure.errorClass : null,
      errorKind: failure?.kind ?? null,
      failure: failure?.message ?? null,
      lastLog: log.length ? logText(log.at(-1)!) : null,
      lastLogAt: log.length ? logAt(log.at(-1)!) : null,
      receivedAt: tsIso(j.received_ts),
      endedAt: tsIso(j.end_ts),
    },
    related,
    startedAt: tsIso(j.start_ts) ?? tsIso(j.received_ts),
    log: log.map((e) => ({ seq: e[0], at: logAt(e), text: logText(e) })),
  };
}

/** What an error class means for the operator (seed 003 and Ganeti's errors.py). */
export const ERROR_CLASSES: Record<string, string> = {
  OpPrereqError: 'a precondition failed before anything changed: safe to retry once its cause is fixed',
  OpExecError: 'it failed while acting on the nodes: look at the node and the instance before anything else',
  OpRetryError: 'Ganeti could not get what it needed in time: retrying later is safe',
  HypervisorError: 'the hypervisor refused: look at the node',
  canceled: 'cancelled by request',
};

const JOB_FIELDS = [
  { key: 'jobId', label: 'Job', unit: 'id' },
  { key: 'opcodes', label: 'Opcodes', unit: 'text' },
  { key: 'opStatus', label: 'Opcode status', unit: 'text', help: "each opcode's status in Ganeti's words" },
  { key: 'instanceStatus', label: 'Instance status', unit: 'text', help: 'running, ERROR_down, ERROR_wrongnode …: the cluster config against the hypervisor' },
  { key: 'primaryNode', label: 'Primary node', unit: 'text' },
  { key: 'errorClass', label: 'Error class', unit: 'text', help: 'OpPrereqError: nothing changed, retry once fixed; OpExecError: look at the node' },
  { key: 'errorKind', label: 'Error kind', unit: 'text' },
  { key: 'failure', label: 'Error', unit: 'text', summary: true },
  { key: 'lastLog', label: 'Last log line', unit: 'text', summary: true },
  { key: 'lastLogAt', label: 'Last logged', unit: 'text' },
  { key: 'allocator', label: 'Allocator', unit: 'text', help: 'the iallocator that picks the target when none is named' },
  { key: 'receivedAt', label: 'Received', unit: 'text' },
  { key: 'endedAt', label: 'Ended', unit: 'text' },
  { key: 'logSerial', label: 'Log serial', unit: 'count', help: 'the highest log entry recorded' },
] as const;
const MOVE_FIELDS = [
  { key: 'source', label: 'Source node', unit: 'text', summary: true },
  { key: 'target', label: 'Target node', unit: 'text', summary: true },
  { key: 'mode', label: 'Mode', unit: 'text' },
] as const;

export const GANETI_DETAILS: DetailSpecs = {
  live_migration: [...MOVE_FIELDS, ...JOB_FIELDS],
  cold_migration: [...MOVE_FIELDS, ...JOB_FIELDS],
  failover: [...MOVE_FIELDS, ...JOB_FIELDS],
  migration_cleanup: [...MOVE_FIELDS, ...JOB_FIELDS],
  instance_task: [...JOB_FIELDS],
};
