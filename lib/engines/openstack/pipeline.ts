import 'server-only';
import type { PipelineStep } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import { allDone, stepsUpTo } from '../pipeline';
import type { ActionView } from '../types';

const LIVE = [
  { key: 'schedule', label: 'Schedule' },
  { key: 'prepare', label: 'Prepare' },
  { key: 'copy', label: 'Copy memory' },
  { key: 'switchover', label: 'Switch over' },
];
const LIVE_AT: Record<string, string> = { accepted: 'schedule', queued: 'schedule', preparing: 'prepare', running: 'copy' };

const COLD = [
  { key: 'prepare', label: 'Prepare' },
  { key: 'copy', label: 'Copy disk' },
  { key: 'finish', label: 'Finish on destination' },
  { key: 'confirm', label: 'Confirm' },
];
const COLD_AT: Record<string, string> = {
  accepted: 'prepare',
  'pre-migrating': 'prepare',
  migrating: 'copy',
  'post-migrating': 'finish',
  finished: 'confirm',
  confirming: 'confirm',
  reverting: 'confirm',
};

const ATTACH = [
  { key: 'reserved', label: 'Reserve' },
  { key: 'attaching', label: 'Connect' },
  { key: 'attached', label: 'Attached' },
];
const DETACH = [
  { key: 'attached', label: 'Attached' },
  { key: 'detaching', label: 'Detach' },
  { key: 'detached', label: 'Detached' },
];
const SWAP = [
  { key: 'reserved', label: 'Reserve new volume' },
  { key: 'attaching', label: 'Connect new volume' },
  { key: 'swapping', label: 'Copy and switch' },
  { key: 'done', label: 'Release old volume' },
];

/**
 * A Nova migration's steps. A live migration is scheduled, prepared on the
 * destination, copies memory and switches over; a cold migration or resize
 * copies, finishes on the destination, then waits for a confirm (or revert).
 */
export function openstackPipeline(op: ActionView & { outcome?: string | null }): PipelineStep[] {
  const ended = op.gone || isTerminal(op.state);
  const phase = op.nativePhase;
  if (op.kind === 'live_migration') {
    if (op.state === 'succeeded') return allDone(LIVE);
    // an error before a destination was chosen failed at scheduling (no valid host)
    const at = LIVE_AT[phase] ?? (op.details.destinationHost ? (op.progress ? 'copy' : 'prepare') : 'schedule');
    if (ended) return stepsUpTo(LIVE, at, { status: 'failed', note: op.state === 'cancelled' ? 'aborted' : phase, ended });
    return stepsUpTo(LIVE, at, { status: 'current', ended });
  }
  if (op.kind === 'cold_migration' || op.kind === 'resize') {
    if (op.state === 'succeeded') return allDone(COLD);
    if (phase === 'reverted') return stepsUpTo(COLD, 'confirm', { status: 'skipped', note: 'reverted: back on the source', ended: true });
    const at = COLD_AT[phase] ?? 'prepare';
    if (ended) return stepsUpTo(COLD, at, { status: 'failed', note: phase, ended });
    const note = phase === 'finished' ? 'waits for you' : phase === 'reverting' ? 'reverting' : undefined;
    return stepsUpTo(COLD, at, { status: 'current', note, ended });
  }
  if (op.kind === 'volume_attachment') {
    if (phase === 'replaced') return allDone(ATTACH);
    const steps = phase === 'detaching' || phase === 'detached' ? DETACH : ATTACH;
    if (op.state === 'succeeded') return allDone(steps);
    const at = phase.startsWith('error_') ? (phase === 'error_detaching' ? 'detaching' : 'attaching') : phase;
    if (ended)
      return stepsUpTo(steps, steps.some((s) => s.key === at) ? at : steps[0]!.key, {
        status: op.state === 'cancelled' ? 'skipped' : 'failed',
        note: op.state === 'cancelled' ? 'deleted' : phase,
        ended,
      });
    return stepsUpTo(steps, at, { status: 'current', ended });
  }
  if (op.kind === 'volume_swap') {
    if (op.state === 'succeeded') return allDone(SWAP);
    const at = SWAP.some((s) => s.key === phase) ? phase : 'swapping';
    if (ended) return stepsUpTo(SWAP, at, { status: 'failed', note: 'the new attachment was deleted', ended });
    return stepsUpTo(SWAP, at, { status: 'current', ended });
  }
  return [];
}
