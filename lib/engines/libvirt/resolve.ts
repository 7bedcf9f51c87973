import 'server-only';
import type { Operation } from '@/lib/model/operation';
import type { Resolution } from '@/lib/model/snapshot';
import type { TimelineEntry } from '@/lib/model/timeline';
import { AppError } from '@/lib/errors/app-error';
import type { EngineFact } from '../types';
import { formatBytes } from '@/lib/format/bytes';
import type { VirshEvent } from './parse';

import { EVENT_GRACE_MS } from './constants';

/**
 * The libvirt events that decide how a job ends, as facts for the timeline
 * of the operations they concern: a block job's end on a disk, a
 * migration's completion with its figures. Others only nudge a poll.
 */
export function factOf(e: VirshEvent): EngineFact | null {
  if (e.type === 'block-job-2' && e.status !== 'ready') {
    return {
      nativeIdPrefix: `${e.domain}/${e.disk}/`,
      data: { event: 'block-job-2', disk: e.disk, job: e.job, status: e.status },
      text: `libvirt: ${e.job} on ${e.disk} ${e.status}`,
    };
  }
  if (e.type === 'job-completed') {
    return {
      nativeIdPrefix: `${e.domain}/migration/`,
      data: { event: 'job-completed', ...e.stats },
      text: `libvirt: migration job completed (${migrationSummary(e.stats)})`,
    };
  }
  return null;
}

/** phaseboard asked libvirt to abort the domain's migration (domjobabort), and libvirt took it. */
export function abortedFact(domain: string): EngineFact {
  return { nativeIdPrefix: `${domain}/migration/`, data: { event: 'aborted' }, text: 'libvirt: migration abort requested (domjobabort)' };
}

/** A migration phaseboard started that virsh reported failed, in virsh's words. */
export function migrationFailedFact(domain: string, message: string): EngineFact {
  return { nativeIdPrefix: `${domain}/migration/`, data: { event: 'migration-failed', message }, text: `libvirt: migration failed: ${message}` };
}

type FactData = Extract<TimelineEntry, { type: 'engine_fact' }>['data'];
const facts = (history: readonly TimelineEntry[], event: string): FactData[] =>
  history.flatMap((e) => (e.type === 'engine_fact' && e.data.event === event ? [e.data] : []));

/**
 * How a block job ended, from the disk's source now and the recorded
 * block-job events: pivoted (the domain runs on the copy), cancelled before
 * ready (the copy is abandoned) or after ready (a point-in-time copy), or
 * failed. `diskSourceNow` undefined: the domain is gone.
 */
export function resolveBlockJob(op: Operation, history: readonly TimelineEntry[], diskSourceNow: string | null | undefined): Resolution {
  const domain = String(op.details.domain);
  const disk = String(op.details.disk);
  const destination = op.details.destination ? String(op.details.destination) : null;
  const source = String(op.details.source ?? '?');
  const wasReady = op.nativePhase === 'ready';
  const ended = facts(history, 'block-job-2')
    .filter((f) => f.disk === disk)
    .at(-1);
  const now = diskSourceNow;
  if (now === undefined) return { state: 'unknown', message: `domain ${domain} is gone; how the job ended is not known` };
  const details = { diskSourceNow: now };
  if (op.kind === 'block_copy' && destination && now === destination)
    return { state: 'succeeded', message: `pivoted: ${domain} ${disk} now runs on ${destination}`, details };
  if (ended?.status === 'failed')
    return { state: 'failed', message: `libvirt reports the ${String(op.details.jobType)} failed; ${disk} stays on ${now}`, details };
  if (op.kind !== 'block_copy') {
    if (ended?.status === 'completed') return { state: 'succeeded', message: `${String(op.details.jobType)} completed; ${disk} is ${now}`, details };
    return { state: 'cancelled', message: `${String(op.details.jobType)} stopped before it completed; ${disk} is ${now}`, details };
  }
  const message = wasReady
    ? `cancelled after ready: ${destination} is left as a point-in-time copy; ${domain} stays on ${now}`
    : `cancelled before ready: the copy ${destination} is abandoned (incomplete); ${domain} stays on ${now}`;
  return { state: 'cancelled', message: now === source ? message : `${message} (was ${source})`, details };
}

/**
 * How a migration ended: completed (libvirt's job-completed event, with its
 * figures), left the host (no event heard), aborted by phaseboard, or
 * failed (virsh's words when phaseboard started it). While the domain is
 * gone but the event may still come, it asks to wait (`unavailable`).
 */
export function resolveMigration(op: Operation, history: readonly TimelineEntry[], present: boolean, missingForMs: number): Resolution {
  const domain = String(op.details.domain);
  const done = facts(history, 'job-completed').at(-1);
  if (done) {
    const stats = Object.fromEntries(Object.entries(done).filter((kv): kv is [string, number] => typeof kv[1] === 'number'));
    return { state: 'succeeded', message: `migrated ${migrationSummary(stats)}`.trim(), details: { downtimeMs: stats.downtime ?? null } };
  }
  const why = facts(history, 'migration-failed').at(-1)?.message;
  const aborted = facts(history, 'aborted').length > 0;
  // The event that decides it can trail the poll that saw the job gone: wait a moment for it.
  if (!why && !aborted && missingForMs < EVENT_GRACE_MS) throw new AppError('unavailable', "waiting for libvirt's job-completed event");
  if (!present) return { state: 'succeeded', message: `migrated: ${domain} left this host` };
  if (aborted) return { state: 'cancelled', message: `migration aborted; ${domain} keeps running on the source` };
  if (why) return { state: 'failed', message: `migration failed: ${String(why)}; ${domain} still runs on the source` };
  return { state: 'failed', message: `migration ended without completing; ${domain} still runs on the source` };
}

/** One line for the timeline when a migration ends: its figures from libvirt's job-completed event. */
export function migrationSummary(stats: Record<string, number>): string {
  const parts = [
    stats.time_elapsed !== undefined ? `in ${(stats.time_elapsed / 1000).toFixed(1)} s` : null,
    stats.data_processed !== undefined ? `${formatBytes(stats.data_processed)} sent` : null,
    stats.memory_iteration !== undefined ? `${stats.memory_iteration} iterations` : null,
    stats.downtime !== undefined ? `downtime ${stats.downtime} ms` : null,
  ].filter(Boolean);
  return parts.join(', ');
}
