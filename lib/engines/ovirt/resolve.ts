import 'server-only';
import type { Resolution } from '@/lib/model/snapshot';
import type { OvirtDisk } from './parse';

/**
 * How a transfer ended once oVirt removed it (engines before 4.4.7 remove
 * it at once), from one look at its disk (seed 000): OK is success; ILLEGAL
 * or a missing disk is failure. The one place this is decided: the
 * finalize action and the collector's vanished operations both ask here.
 *
 * Seed 000's client raises on any other status, because it cannot wait
 * for ever. phaseboard can: a disk still LOCKED after the removal says the
 * engine has not settled (or left an orphaned lock, which triage flags), so
 * the outcome stays unknown and is looked at again until the disk says.
 */
export function outcomeFromDisk(transferId: string, diskId: string, disk: OvirtDisk | null): Resolution {
  if (disk === null) return { state: 'failed', message: `transfer ${transferId} failed: disk ${diskId} was removed`, details: { diskStatus: 'missing' } };
  const status = disk.status ?? 'unknown';
  const details = { diskStatus: status };
  // statuses in capitals, as oVirt's UI and logs write them
  const said = status.toUpperCase();
  if (status === 'ok') return { state: 'succeeded', message: `transfer removed by the engine; disk ${diskId} is ${said}`, details };
  if (status === 'illegal') return { state: 'failed', message: `transfer ${transferId} failed: disk ${diskId} is ${said}`, details };
  return { state: 'unknown', message: `transfer removed by the engine; disk ${diskId} is ${said}: not settled yet`, details };
}

const CLEANUP_PHASES = new Set(['cancelled', 'cancelled_user', 'cancelled_system', 'finalizing_cleanup', 'finished_cleanup']);

/**
 * The end of a transfer the collector saw vanish: cancelled if it was last
 * seen cleaning up, otherwise as its disk says. Either way the disk status
 * after the removal is recorded: a disk still LOCKED then is an orphaned
 * lock (triage says so), one that is OK is not.
 */
export function outcomeAfterRemoval(transferId: string, lastPhase: string, diskId: string, disk: OvirtDisk | null): Resolution {
  if (!CLEANUP_PHASES.has(lastPhase)) return outcomeFromDisk(transferId, diskId, disk);
  const status = disk === null ? 'missing' : (disk.status ?? 'unknown');
  return {
    state: 'cancelled',
    message: `transfer removed by the engine after ${lastPhase}; disk ${diskId} is ${status.toUpperCase()}`,
    details: { diskStatus: status },
  };
}
