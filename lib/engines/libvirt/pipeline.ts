import 'server-only';
import type { PipelineStep } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import { allDone, stepsUpTo } from '../pipeline';
import type { ActionView } from '../types';

const MIRRORED = [
  { key: 'copy', label: 'Copy' },
  { key: 'sync', label: 'In sync' },
  { key: 'pivot', label: 'Pivot' },
];
const MIGRATION = [
  { key: 'setup', label: 'Setup' },
  { key: 'iterations', label: 'Iterations' },
  { key: 'postcopy', label: 'Post-copy' },
  { key: 'switchover', label: 'Switchover' },
];

/**
 * A libvirt job's steps. A mirrored job (block copy, active commit) copies,
 * comes into sync (ready) and waits for a pivot; a migration iterates over
 * dirty memory, may switch to post-copy, then switches over.
 */
export function libvirtPipeline(op: ActionView & { outcome?: string | null }): PipelineStep[] {
  const ended = op.gone || isTerminal(op.state);
  if (op.kind === 'live_migration') {
    const postcopy = op.details.postcopyActive === true || op.nativePhase === 'postcopy';
    if (op.state === 'succeeded') return allDone(MIGRATION, postcopy ? [] : ['postcopy']);
    const at = postcopy ? 'postcopy' : op.progress ? 'iterations' : 'setup';
    if (ended) return stepsUpTo(MIGRATION, at, { status: 'failed', note: op.state === 'cancelled' ? 'aborted' : undefined, ended });
    const iteration = typeof op.details.iteration === 'number' ? `iteration ${op.details.iteration}` : undefined;
    return stepsUpTo(MIGRATION, at, { status: 'current', note: at === 'iterations' ? iteration : undefined, ended });
  }
  const mirrored = op.kind === 'block_copy' || op.details.jobType === 'Active Block Commit';
  const verb = op.kind === 'block_pull' ? 'Pull' : op.kind === 'block_commit' ? 'Commit' : 'Copy';
  const steps = mirrored ? [{ key: 'copy', label: verb }, ...MIRRORED.slice(1)] : [{ key: 'copy', label: verb }];
  if (op.state === 'succeeded') return allDone(steps);
  if (op.state === 'cancelled') {
    // cancelled once in sync: the copy stays as a point-in-time copy, nothing failed
    const inSync = /point-in-time|ready/i.test(op.outcome ?? '');
    return inSync
      ? stepsUpTo(steps, 'pivot', { status: 'skipped', note: 'cancelled: kept as a point-in-time copy', ended: true })
      : stepsUpTo(steps, 'copy', { status: 'failed', note: 'cancelled', ended: true });
  }
  if (ended) return stepsUpTo(steps, 'copy', { status: 'failed', ended: true });
  if (op.state === 'ready') return stepsUpTo(steps, 'pivot', { status: 'current', note: 'in sync: waits for you', ended });
  return stepsUpTo(steps, 'copy', { status: 'current', ended });
}
