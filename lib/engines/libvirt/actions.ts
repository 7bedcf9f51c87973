import 'server-only';
import { formatBytes } from '@/lib/format/bytes';
import type { ActionAvailability, Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';

type ActionView = Pick<Operation, 'kind' | 'nativePhase' | 'state' | 'gone' | 'details'>;

const str = (v: unknown) => (v === null || v === undefined ? '?' : String(v));

/**
 * What each action does to a block job or a migration, in the words seed 004
 * and libvirt use: pivot only when ready; cancel before ready abandons the
 * copy, cancel after ready leaves it as a point-in-time copy.
 */
export function describeLibvirtActions(op: ActionView): ActionAvailability[] {
  const ended = op.gone || isTerminal(op.state);
  const endedReason = op.gone ? 'the job has ended' : `the job has ended (${op.nativePhase})`;
  const d = op.details;
  const when = (ok: boolean, reason: string) => (ended ? { enabled: false, reason: endedReason } : ok ? { enabled: true } : { enabled: false, reason });
  if (op.kind === 'live_migration') {
    const postcopy = d.postcopyActive === true;
    return [
      {
        name: 'set_bandwidth',
        label: 'Change bandwidth',
        dangerous: false,
        params: [{ name: 'bandwidthMiBs', label: 'New maximum', type: 'integer', unit: 'MiB/s', min: 1, max: 1_000_000, default: 64 }],
        effect: `libvirt changes the migration's maximum bandwidth (migrate-setspeed, MiB/s); now ${d.memoryBandwidth ? formatBytes(Number(d.memoryBandwidth)) + '/s' : 'unknown'} in use.`,
        ...when(true, ''),
      },
      {
        name: 'postcopy',
        label: 'Switch to post-copy',
        dangerous: true,
        effect: `The guest resumes on the destination at once and fetches the remaining memory on demand (migrate-postcopy). Converges always, but if the network fails now the guest is lost. Only works if the migration was started with --postcopy.`,
        ...when(!postcopy, 'the migration is already in post-copy'),
      },
      {
        name: 'cancel',
        label: 'Abort migration',
        dangerous: true,
        effect: `libvirt aborts the migration (domjobabort); ${str(d.domain)} keeps running here on the source.`,
        ...when(true, ''),
      },
    ];
  }
  const ready = op.state === 'ready';
  const copyLike = op.kind === 'block_copy' || d.jobType === 'Active Block Commit';
  const actions: ActionAvailability[] = [];
  if (copyLike) {
    actions.push({
      name: 'pivot',
      label: 'Pivot',
      dangerous: false,
      effect:
        op.kind === 'block_copy'
          ? `The domain switches to the copy ${str(d.destination)} and the job ends; ${str(d.source)} is no longer written.`
          : `The disk's active layer is merged down and the domain runs on the base image; the job ends.`,
      ...when(ready, `pivot needs the job to be ready (in sync); it is ${op.nativePhase}`),
    });
  }
  actions.push({
    name: 'cancel',
    label: 'Cancel job',
    dangerous: !ready,
    effect: !copyLike
      ? `The ${op.kind === 'block_pull' ? 'pull' : 'commit'} stops; what was done so far stays, the backing chain is unchanged.`
      : ready
        ? `Mirroring ends: ${str(d.destination)} stays as a point-in-time copy (consistent as of now) and the domain stays on ${str(d.source)}.`
        : `The copy is abandoned: ${str(d.destination)} is incomplete and must not be used; the domain stays on ${str(d.source)}.`,
    ...when(true, ''),
  });
  return actions;
}

/** One line for the timeline when a copy or migration ends. */
export function migrationSummary(stats: Record<string, number>): string {
  const parts = [
    stats.time_elapsed !== undefined ? `in ${(stats.time_elapsed / 1000).toFixed(1)} s` : null,
    stats.data_processed !== undefined ? `${formatBytes(stats.data_processed)} sent` : null,
    stats.memory_iteration !== undefined ? `${stats.memory_iteration} iterations` : null,
    stats.downtime !== undefined ? `downtime ${stats.downtime} ms` : null,
  ].filter(Boolean);
  return parts.join(', ');
}
