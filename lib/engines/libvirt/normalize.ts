import 'server-only';
import type { OperationKind, OperationState } from '@/lib/model/operation';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import type { BlockJobInfo, DomainDisk, DomJobInfo } from './parse';

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

/** An outgoing live migration, as `domjobinfo` shows it. */
export function migrationSnapshot(domain: string, id: string, job: DomJobInfo, remainingPerIteration: number[] = []): OperationSnapshot {
  const postcopy = (job.postcopyRequests ?? 0) > 0;
  return {
    nativeId: id,
    kind: 'live_migration',
    subject: { type: 'vm', id: domain, name: domain },
    nativePhase: postcopy ? 'postcopy' : job.iteration && job.iteration > 1 ? `iteration ${job.iteration}` : 'precopy',
    state: 'running',
    progress: job.dataTotal !== null ? { unit: 'bytes', done: job.dataProcessed ?? 0, total: job.dataTotal } : null,
    details: {
      domain,
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
      remainingPerIteration: remainingPerIteration.join(','),
      postcopyActive: postcopy,
      expectedDowntimeMs: job.expectedDowntimeMs,
      elapsedMs: job.elapsedMs,
    },
    startedAt: null,
  };
}

/** A migration's id: the domain and when it started (from its elapsed time, to 10 s). */
export function migrationId(domain: string, now: number, elapsedMs: number | null): string {
  const started = Math.floor((now - (elapsedMs ?? 0)) / 10_000) * 10;
  return `${domain}/migration/${started}`;
}
