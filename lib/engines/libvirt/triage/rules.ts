import 'server-only';
import { formatBytes } from '@/lib/format/bytes';
import { formatDuration } from '@/lib/format/durations';
import { detailNumbers } from '@/lib/model/details';
import type { FindingDraft } from '@/lib/model/finding';
import { aboutOperation, evidence } from '@/lib/triage/draft';
import type { TriageRule } from '@/lib/triage/rule';

/** From this iteration on, remaining data that does not shrink means precopy is losing. */
const CONVERGE_AFTER_ITERATION = 3;
/** A copy that sits ready this long without a decision is worth a look. */
const READY_TOO_LONG_MS = 10 * 60_000;

const rate = (bps: number | null) => (bps === null ? 'unknown' : `${formatBytes(bps)}/s`);

/** Remaining data at each iteration start: not shrinking over the last three means no convergence. */
export function notConverging(remaining: number[], dirtyRate: number | null, bandwidth: number | null): boolean {
  const last = remaining.slice(-CONVERGE_AFTER_ITERATION);
  const stuck = last.length === CONVERGE_AFTER_ITERATION && last[last.length - 1]! >= last[0]! * 0.9;
  const outpaced = dirtyRate !== null && bandwidth !== null && bandwidth > 0 && dirtyRate > bandwidth;
  return stuck || (outpaced && remaining.length >= 2);
}

const migrationNotConverging: TriageRule = {
  id: 'libvirt.migration-not-converging',
  evaluate: (ctx) =>
    ctx.live
      .filter((op) => op.kind === 'live_migration' && op.state === 'running' && op.details.postcopyActive !== true)
      .flatMap((op): FindingDraft[] => {
        const remaining = detailNumbers(op.details.remainingPerIteration);
        const dirty = op.details.dirtyRate === null || op.details.dirtyRate === undefined ? null : Number(op.details.dirtyRate);
        const bw = op.details.memoryBandwidth === null || op.details.memoryBandwidth === undefined ? null : Number(op.details.memoryBandwidth);
        if (Number(op.details.iteration ?? 0) < CONVERGE_AFTER_ITERATION || !notConverging(remaining, dirty, bw)) return [];
        return [
          {
            ruleId: 'libvirt.migration-not-converging',
            key: `libvirt.migration-not-converging:${op.id}`,
            severity: 'warning',
            title: `Migration of ${op.subject.name} is not converging`,
            explanation:
              `After ${String(op.details.iteration)} iterations the data still to send is not shrinking: the guest dirties memory about as fast as it is copied. ` +
              'Pre-copy can go on like this forever while the source keeps running.',
            cause:
              dirty !== null && bw !== null
                ? `dirty rate ${rate(dirty)} against a bandwidth of ${rate(bw)}`
                : 'a busy guest writing memory faster than the link copies it',
            since: op.phaseChangedAt,
            ...aboutOperation(op),
            evidence: [
              evidence('remaining per iteration', remaining.map((r) => formatBytes(r)).join(' → ')),
              evidence('dirty rate', rate(dirty)),
              evidence('memory bandwidth', rate(bw)),
              evidence('running for', formatDuration(Number(op.details.elapsedMs ?? 0))),
            ],
            remedies: [
              {
                playbookId: 'libvirt.raise-bandwidth',
                label: 'Raise the bandwidth',
                rank: 1,
                why: 'If the link has room: more bandwidth than the dirty rate lets pre-copy catch up; nothing else changes.',
              },
              {
                playbookId: 'libvirt.postcopy',
                label: 'Switch to post-copy',
                rank: 2,
                why: 'Always converges: the guest moves now and pulls the rest on demand; a network failure meanwhile loses the guest. Needs --postcopy at start.',
              },
              {
                playbookId: 'libvirt.abort-and-retry',
                label: 'Abort, then migrate again with auto-converge',
                rank: 3,
                why: 'The domain stays on the source; a new attempt with --auto-converge throttles the guest CPU until it converges.',
              },
            ],
            supersedes: ['no-progress'],
          },
        ];
      }),
};

const copyReadyTooLong: TriageRule = {
  id: 'libvirt.copy-ready-unpivoted',
  evaluate: (ctx) =>
    ctx.live
      .filter((op) => op.kind === 'block_copy' && op.state === 'ready' && ctx.now - Date.parse(op.phaseChangedAt) >= READY_TOO_LONG_MS)
      .map((op): FindingDraft => ({
        ruleId: 'libvirt.copy-ready-unpivoted',
        key: `libvirt.copy-ready-unpivoted:${op.id}`,
        severity: 'info',
        title: `Block copy of ${op.subject.name} has been ready for ${formatDuration(ctx.now - Date.parse(op.phaseChangedAt))} without a pivot`,
        explanation:
          `The copy ${String(op.details.destination)} is in sync and libvirt keeps mirroring every write to it until someone decides: ` +
          'pivot to run on the copy, or cancel to keep it as a point-in-time copy. Until then every guest write costs twice.',
        cause: 'The tool or person that started the copy did not finish it (a crashed client, a forgotten storage move).',
        since: op.phaseChangedAt,
        ...aboutOperation(op),
        evidence: [
          evidence('ready since', op.phaseChangedAt, op.phaseChangedAt),
          evidence('source', op.details.source),
          evidence('copy', op.details.destination),
        ],
        remedies: [
          { playbookId: 'libvirt.pivot', label: 'Pivot to the copy', rank: 1, why: 'Finishes what the copy was started for: the domain runs on the copy.' },
          {
            playbookId: 'libvirt.cancel-copy',
            label: 'Cancel, keeping a point-in-time copy',
            rank: 2,
            why: 'Stops mirroring; the domain stays on its source and the copy is consistent as of now.',
          },
        ],
      })),
};

/** libvirt's own triage rules (the generic ones apply too). */
export const LIBVIRT_RULES: readonly TriageRule[] = [migrationNotConverging, copyReadyTooLong];
