import 'server-only';
import type { DetailField, DetailSpecs } from '@/lib/model/details';
import type { OperationKind, OperationState } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import type { BlockJobInfo, DomainDisk, DomJobInfo } from './parse';

const BLOCK_JOB_DETAILS: DetailField[] = [
  { key: 'domain', label: 'Domain', unit: 'id' },
  { key: 'disk', label: 'Disk', unit: 'id' },
  { key: 'jobType', label: 'Job', unit: 'text' },
  { key: 'source', label: 'Source', unit: 'path' },
  { key: 'destination', label: 'Destination', unit: 'path', summary: true },
  { key: 'destinationFormat', label: 'Destination format', unit: 'text' },
  { key: 'bandwidthMiBs', label: 'Bandwidth limit', unit: 'mib_per_s', help: 'the job throttle (virsh blockjob --bandwidth); 0 is unlimited' },
  { key: 'diskSourceNow', label: 'Disk runs on', unit: 'path', help: 'the disk source after the job ended, from domblklist' },
];

/** What libvirt's operations report, labelled: the Details of every libvirt kind. */
export const LIBVIRT_DETAILS: DetailSpecs = {
  block_copy: BLOCK_JOB_DETAILS,
  block_pull: BLOCK_JOB_DETAILS,
  block_commit: BLOCK_JOB_DETAILS,
  live_migration: [
    { key: 'domain', label: 'Domain', unit: 'id' },
    { key: 'destination', label: 'Destination', unit: 'text', help: 'known when phaseboard started the migration; libvirt does not report it' },
    { key: 'dataRemaining', label: 'Remaining', unit: 'bytes', summary: true },
    { key: 'dataTotal', label: 'Total', unit: 'bytes' },
    { key: 'dataProcessed', label: 'Sent so far', unit: 'bytes', help: 'counts pages sent again after the guest dirtied them: it can pass the total' },
    { key: 'iteration', label: 'Iteration', unit: 'count', summary: true },
    {
      key: 'remainingPerIteration',
      label: 'Remaining per iteration',
      unit: 'bytes_series',
      help: 'at the start of each iteration: shrinking means converging',
    },
    { key: 'memoryBandwidth', label: 'Bandwidth', unit: 'bytes_per_s' },
    { key: 'dirtyRate', label: 'Dirty rate', unit: 'bytes_per_s', help: 'memory the guest writes per second; above the bandwidth, pre-copy cannot catch up' },
    { key: 'dirtyRatePagesPerS', label: 'Dirty pages', unit: 'pages_per_s' },
    { key: 'pageSize', label: 'Page size', unit: 'bytes' },
    { key: 'postcopyActive', label: 'Post-copy', unit: 'flag' },
    { key: 'expectedDowntimeMs', label: 'Expected downtime', unit: 'ms' },
    { key: 'elapsedMs', label: 'Running for', unit: 'ms' },
    { key: 'downtimeMs', label: 'Downtime', unit: 'ms', help: 'how long the guest was paused at the switch-over' },
  ],
};

/** Block job type (virsh words) → operation kind and the phase words phaseboard shows. */
const JOB: Record<string, { kind: OperationKind; phase: string; tag: string; mirrored: boolean }> = {
  'Block Copy': { kind: 'block_copy', phase: 'copying', tag: 'copy', mirrored: true },
  'Block Pull': { kind: 'block_pull', phase: 'pulling', tag: 'pull', mirrored: false },
  'Block Commit': { kind: 'block_commit', phase: 'committing', tag: 'commit', mirrored: false },
  'Active Block Commit': { kind: 'block_commit', phase: 'committing', tag: 'active-commit', mirrored: true },
};

/**
 * One block job on one disk. Its id names the domain, disk, job and where it
 * goes (a copy's destination), so it stays the same across restarts of
 * either side. `ready` is libvirt's own word from the live XML
 * (`<mirror ready='yes'>`); cur == end alone does not say it.
 *
 * Null for a copy (or active commit) whose `<mirror>` is not in the XML yet:
 * libvirt lists the job a moment before it writes the mirror, and an id made
 * then would name the source as the target and change a poll later.
 */
export function blockJobSnapshot(domain: string, disk: DomainDisk, job: BlockJobInfo): OperationSnapshot | null {
  const j = JOB[job.type] ?? { kind: 'block_copy' as const, phase: 'running', tag: 'job', mirrored: false };
  if (j.mirrored && !disk.mirror?.file) return null;
  const ready = disk.mirror?.ready === true;
  const state: OperationState = ready ? 'ready' : 'running';
  const target = disk.mirror?.file ?? disk.source ?? '';
  return {
    nativeId: `${domain}/${disk.target}/${j.tag}/${target}`,
    kind: j.kind,
    subject: { type: 'vm', id: domain, name: `${domain} ${disk.target}` },
    nativePhase: ready ? 'ready' : j.phase,
    state,
    progress: { unit: 'bytes', done: job.cur, total: job.end > 0 ? job.end : null },
    related: [
      ...(disk.source
        ? [{ role: j.tag === 'active-commit' || j.tag === 'commit' ? 'top' : 'source', type: 'file' as const, id: disk.source, name: null }]
        : []),
      ...(disk.mirror?.file ? [{ role: j.tag === 'active-commit' ? 'base' : 'destination', type: 'file' as const, id: disk.mirror.file, name: null }] : []),
    ],
    details: {
      domain,
      disk: disk.target,
      jobType: job.type,
      source: disk.source,
      destination: disk.mirror?.file ?? null,
      destinationFormat: disk.mirror?.format ?? null,
      bandwidthMiBs: job.bandwidthMiBs,
    },
    startedAt: null,
  };
}

/**
 * An outgoing live migration, as `domjobinfo` shows it. Its bar is
 * 1 − remaining/total: "processed" counts pages sent again after the guest
 * dirtied them, so it passes the total long before the migration is done.
 */
export function migrationSnapshot(
  domain: string,
  id: string,
  job: DomJobInfo,
  remainingPerIteration: number[] = [],
  /** where it goes, when phaseboard started it (libvirt's job does not say) */
  destination: string | null = null,
): OperationSnapshot {
  const postcopy = (job.postcopyRequests ?? 0) > 0;
  const total = job.dataTotal;
  const remaining = job.dataRemaining;
  return {
    nativeId: id,
    kind: 'live_migration',
    subject: { type: 'vm', id: domain, name: domain },
    nativePhase: postcopy ? 'postcopy' : job.iteration && job.iteration > 1 ? `iteration ${job.iteration}` : 'precopy',
    state: 'running',
    progress:
      total !== null && total > 0 && remaining !== null
        ? { unit: 'bytes', done: Math.max(0, total - remaining), total, stalled: postcopy ? null : notConverging(job, remainingPerIteration) }
        : null,
    related: [],
    details: {
      domain,
      destination,
      dataProcessed: job.dataProcessed,
      dataRemaining: job.dataRemaining,
      dataTotal: job.dataTotal,
      memoryBandwidth: job.memoryBandwidth,
      dirtyRatePagesPerS: job.dirtyRatePagesPerS,
      pageSize: job.pageSize,
      iteration: job.iteration,
      /** bytes per second the guest dirties: above the bandwidth, precopy cannot catch up */
      dirtyRate: job.dirtyRatePagesPerS !== null && job.pageSize !== null ? job.dirtyRatePagesPerS * job.pageSize : null,
      /** data remaining at the start of each iteration seen, oldest first */
      remainingPerIteration,
      postcopyActive: postcopy,
      expectedDowntimeMs: job.expectedDowntimeMs,
      elapsedMs: job.elapsedMs,
    },
    startedAt: null,
  };
}

/**
 * Why a pre-copy migration is not converging, or null: the guest dirties
 * memory faster than the link sends it, or what remains at the start of an
 * iteration no longer shrinks (three iterations with less than 10 % gained).
 */
export function notConverging(job: DomJobInfo, remainingPerIteration: readonly number[]): string | null {
  const dirty = job.dirtyRatePagesPerS !== null && job.pageSize !== null ? job.dirtyRatePagesPerS * job.pageSize : null;
  if ((job.iteration ?? 0) >= 2 && dirty !== null && job.memoryBandwidth && dirty >= job.memoryBandwidth)
    return 'not converging: the guest dirties memory faster than it is sent';
  const r = remainingPerIteration;
  if (r.length >= 3 && r[r.length - 1]! >= 0.9 * r[r.length - 3]!) return 'not converging: what remains no longer shrinks';
  return null;
}

/** A migration's id: the domain and when it started (from its elapsed time, to 10 s). */
export function migrationId(domain: string, now: number, elapsedMs: number | null): string {
  const started = Math.floor((now - (elapsedMs ?? 0)) / 10_000) * 10;
  return `${domain}/migration/${started}`;
}
