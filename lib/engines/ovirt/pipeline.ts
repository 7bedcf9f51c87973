import 'server-only';
import type { PipelineStep } from '@/lib/model/operation';
import { allDone, stepsUpTo } from '../pipeline';
import type { ActionView } from '../types';
import { incompleteBy } from './actions';

const STEPS = [
  { key: 'transfer', label: 'Transfer' },
  { key: 'finalize', label: 'Finalize' },
  { key: 'verify', label: 'Verify' },
  { key: 'unlock', label: 'Unlock' },
] as const;

const CANCELLED = new Set(['cancelled_user', 'cancelled_system', 'finalizing_cleanup', 'finished_cleanup']);

/**
 * An image transfer's steps. oVirt verifies the image while finalizing and
 * turns the disk OK a few seconds before finished_success unlocks it, so the
 * disk status tells verify from unlock.
 */
export function transferPipeline(op: ActionView): PipelineStep[] {
  const phase = op.nativePhase;
  const diskOk = String(op.details.diskStatus ?? '').toLowerCase() === 'ok';
  const ended = op.gone || op.state === 'succeeded' || op.state === 'failed' || op.state === 'cancelled';
  if (op.state === 'succeeded') return allDone(STEPS);
  if (op.state === 'cancelled' || CANCELLED.has(phase)) return stepsUpTo(STEPS, 'transfer', { status: 'failed', note: 'cancelled', ended: true });
  if (op.state === 'failed') {
    const atFinalize = phase.startsWith('finalizing') || phase.startsWith('finished');
    return stepsUpTo(STEPS, atFinalize ? 'verify' : 'transfer', { status: 'failed', ended: true });
  }
  if (phase === 'finalizing_success') return stepsUpTo(STEPS, diskOk ? 'unlock' : 'finalize', { status: 'current', ended });
  if (phase === 'transferring' && incompleteBy(op.progress) === null && op.progress?.total) {
    return stepsUpTo(STEPS, 'finalize', { status: 'current', note: 'all data is in: waits for finalize', ended });
  }
  const paused = phase.startsWith('paused');
  return stepsUpTo(STEPS, 'transfer', { status: 'current', note: paused ? phase.replace('_', ' ') : undefined, ended });
}
