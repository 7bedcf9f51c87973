import 'server-only';
import { formatDuration } from '@/lib/format/durations';
import { formatBytes } from '@/lib/format/bytes';
import type { Operation } from '@/lib/model/operation';
import type { FindingDraft } from '@/lib/model/finding';
import { aboutOperation, evidence, isoAt } from '@/lib/triage/draft';
import type { RuleContext, TriageRule } from '@/lib/triage/rule';

/** What goes wrong with oVirt's image transfers (seed 000, DESIGN.md), each with its safe ways out (playbooks.ts). */

const DISK_OK_GAP_MS = 8_000;
/** A lock left after the transfer went is stale once it outlives seed 000's ~3 s unlock gap by far. */
const ORPHAN_AFTER_MS = 15_000;
const transfers = (ctx: RuleContext) => ctx.live.filter((op) => op.kind === 'image_transfer');
export const diskId = (op: Operation) => String(op.details.diskId ?? op.subject.id);

const pausedBySystem: TriageRule = {
  id: 'ovirt.paused-system',
  evaluate: (ctx) =>
    transfers(ctx)
      .filter((op) => op.nativePhase === 'paused_system')
      .map((op): FindingDraft => {
        const timeout = op.details.inactivityTimeout;
        const paused = ctx.now - Date.parse(op.phaseChangedAt);
        return {
          ruleId: 'ovirt.paused-system',
          key: `ovirt.paused-system:${op.id}`,
          severity: paused > 15 * 60_000 ? 'critical' : 'warning',
          title: 'Transfer paused by the engine (paused_system)',
          explanation:
            `oVirt paused this ${op.details.direction ?? ''} transfer itself. The disk stays locked and nothing moves until it is resumed or cancelled.`.replace(
              '  ',
              ' ',
            ),
          cause:
            timeout !== null && timeout !== undefined
              ? `Most often the client stopped sending for longer than the transfer's inactivity timeout (${timeout} s); a host that lost the image ticket pauses it too.`
              : 'Most often the client stopped sending for longer than the inactivity timeout; a host that lost the image ticket pauses it too.',
          since: op.phaseChangedAt,
          ...aboutOperation(op),
          evidence: [
            evidence('phase', 'paused_system', op.phaseChangedAt),
            evidence('inactivity timeout', timeout !== null && timeout !== undefined ? `${timeout} s` : 'unknown'),
            evidence('sent so far', bytesOf(op.progress?.done ?? 0, op.progress?.total ?? null), op.progressAt),
            evidence('host', op.details.host),
          ],
          remedies: [
            {
              playbookId: 'ovirt.resume-transfer',
              label: 'Resume the transfer',
              rank: 1,
              why: 'oVirt re-arms the ticket (resuming → transferring); the client must still be there to send the rest.',
            },
            {
              playbookId: 'ovirt.cancel-transfer',
              label: 'Cancel the transfer',
              rank: 2,
              why: 'Ends it and cleans up (finalizing_cleanup → finished_cleanup); the data sent so far is discarded.',
            },
          ],
          supersedes: ['no-progress', 'phase-overdue'],
        };
      }),
};

const finalizingStuck: TriageRule = {
  id: 'ovirt.finalizing-stuck',
  evaluate: (ctx) =>
    transfers(ctx)
      .filter((op) => op.nativePhase.startsWith('finalizing_'))
      .flatMap((op): FindingDraft[] => {
        const expected = ctx.expectedPhase(op);
        const elapsed = ctx.now - Date.parse(op.phaseChangedAt);
        if (elapsed <= expected.ms) return [];
        return [
          {
            ruleId: 'ovirt.finalizing-stuck',
            key: `ovirt.finalizing-stuck:${op.id}`,
            severity: 'critical',
            title: `Stuck in ${op.nativePhase} past its expected ${formatDuration(expected.ms)}`,
            explanation:
              `The transfer has been ${op.nativePhase} for ${formatDuration(elapsed)}. Finalizing is the engine's own work: it removes the image ticket, tears the image down on the host, verifies it and unlocks disk ${diskId(op)}. ` +
              'No client or operator action moves it on; the disk stays locked until it ends.',
            cause: 'An engine task (a VDSM teardown or verify on the host) has not completed, or the engine lost track of it.',
            since: isoAt(Date.parse(op.phaseChangedAt) + expected.ms),
            ...aboutOperation(op),
            evidence: [
              evidence('phase entered', op.nativePhase, op.phaseChangedAt),
              evidence('expected at most', `${formatDuration(expected.ms)} (${expected.source === 'history' ? 'learned from history' : 'default'})`),
              evidence('disk status', op.details.diskStatus),
              evidence('host', op.details.host),
            ],
            remedies: [
              {
                playbookId: 'ovirt.recheck-transfer',
                label: 'Read the transfer and disk again',
                rank: 1,
                why: 'Read-only: shows whether the engine has moved on since the last poll.',
              },
              {
                playbookId: 'ovirt.engine-task-check',
                label: 'Check the engine task on the engine side',
                rank: 2,
                why: 'Find the stuck task and clear it only if nothing still runs; the steps are run on the engine host.',
              },
            ],
            supersedes: ['phase-overdue'],
          },
        ];
      }),
};

const diskOkWhileFinalizing: TriageRule = {
  id: 'ovirt.disk-ok-finalizing',
  evaluate: (ctx) =>
    transfers(ctx)
      // The disk turns OK ~3 s before a normal finish; past that gap the question gets asked.
      .filter((op) => op.nativePhase === 'finalizing_success' && op.details.diskStatus === 'ok' && ctx.now - Date.parse(op.phaseChangedAt) >= DISK_OK_GAP_MS)
      .map((op): FindingDraft => ({
        ruleId: 'ovirt.disk-ok-finalizing',
        key: `ovirt.disk-ok-finalizing:${op.id}`,
        severity: 'info',
        title: 'Disk shows OK while the transfer is still finalizing: do not use it yet',
        explanation:
          `Disk ${diskId(op)} reports OK, but its transfer is still finalizing_success. oVirt sets the disk status to OK a few seconds before it releases the lock, ` +
          'and verification can still fail and leave the disk ILLEGAL. Only finished_success says the disk is ready (seed 000).',
        cause: 'Normal ordering inside the engine; it becomes a problem only if a tool trusts the disk status and moves on.',
        since: op.phaseChangedAt,
        ...aboutOperation(op),
        evidence: [evidence('transfer phase', op.nativePhase, op.phaseChangedAt), evidence('disk status', op.details.diskStatus)],
        remedies: [
          {
            playbookId: 'ovirt.wait-finished',
            label: 'Wait for finished_success',
            rank: 1,
            why: 'Polls the transfer every second (seed 000) until it finishes; changes nothing.',
          },
        ],
      })),
};

const lockedDiskOrphan: TriageRule = {
  id: 'ovirt.disk-locked-orphan',
  evaluate: (ctx) =>
    ctx.recentlyEnded
      .filter(
        (op) =>
          op.kind === 'image_transfer' && op.gone && op.details.diskStatus === 'locked' && op.endedAt && ctx.now - Date.parse(op.endedAt) >= ORPHAN_AFTER_MS,
      )
      .map((op): FindingDraft => ({
        ruleId: 'ovirt.disk-locked-orphan',
        key: `ovirt.disk-locked-orphan:${op.id}`,
        severity: 'critical',
        title: `Disk ${op.subject.name} is LOCKED and no transfer is alive`,
        explanation:
          `The engine removed transfer ${op.nativeId} (last seen ${op.nativePhase}) but disk ${diskId(op)} is still locked. ` +
          'Nothing running will release the lock: the disk cannot be attached, moved or removed until it is unlocked on the engine side.',
        cause: "The engine lost the transfer's cleanup (an engine restart during finalize, or a failed host task) and left its lock behind.",
        since: op.endedAt ?? isoAt(ctx.now),
        ...aboutOperation(op),
        evidence: [
          evidence('transfer last seen', op.nativePhase, op.phaseChangedAt),
          evidence('disk status after removal', 'locked', op.endedAt),
          evidence('outcome', op.outcome),
        ],
        remedies: [
          {
            playbookId: 'ovirt.unlock-disk',
            label: 'Unlock the disk on the engine side',
            rank: 1,
            why: "The engine's unlock_entity.sh releases the stale lock; phaseboard then checks the disk.",
          },
        ],
      })),
};

const clientInactive: TriageRule = {
  id: 'ovirt.client-inactive',
  evaluate: (ctx) =>
    transfers(ctx).flatMap((op): FindingDraft[] => {
      const p = op.progress;
      const timeoutS = Number(op.details.inactivityTimeout ?? 60);
      if (op.nativePhase !== 'transferring' || !p || (p.total !== null && p.done >= p.total) || !(timeoutS > 0)) return [];
      const since = Math.max(Date.parse(op.progressAt ?? op.phaseChangedAt), Date.parse(op.phaseChangedAt));
      const idleMs = ctx.now - since;
      // Warn once half the timeout has gone by, but not for a blip (10 s, or 3/4 of a short timeout).
      if (idleMs < Math.max((timeoutS * 1000) / 2, Math.min(10_000, timeoutS * 750))) return [];
      const left = timeoutS * 1000 - idleMs;
      const verb = op.details.direction === 'download' ? 'read' : 'sent';
      return [
        {
          ruleId: 'ovirt.client-inactive',
          key: `ovirt.client-inactive:${op.id}`,
          severity: 'warning',
          title: `Client idle: oVirt pauses this transfer after ${timeoutS} s without data`,
          explanation: `No data has been ${verb} for ${formatDuration(idleMs)} (since ${isoAt(since)}). After ${timeoutS} s without data oVirt pauses the transfer (paused_system)${left > 0 ? `: in about ${formatDuration(left)}` : ''}.`,
          cause: 'The client (upload tool, backup application, browser) stalled, lost its connection to the imageio daemon, or was stopped.',
          since: isoAt(since),
          ...aboutOperation(op),
          evidence: [evidence(`last data ${verb}`, bytesOf(p.done, p.total), op.progressAt), evidence('inactivity timeout', `${timeoutS} s`)],
          remedies: [
            {
              playbookId: 'ovirt.pause-transfer',
              label: 'Pause it while you check the client',
              rank: 1,
              why: 'A paused_user transfer waits for you instead of being paused as a failure; resume when the client is back.',
            },
            {
              playbookId: 'ovirt.cancel-transfer',
              label: 'Cancel the transfer',
              rank: 2,
              why: 'If the client is gone for good: ends it and cleans up; the data sent so far is discarded.',
            },
          ],
          supersedes: ['no-progress'],
        },
      ];
    }),
};

export const OVIRT_RULES: readonly TriageRule[] = [pausedBySystem, finalizingStuck, diskOkWhileFinalizing, lockedDiskOrphan, clientInactive];

/** "819.2 MiB of 2.0 GiB (40 %)": evidence is read by people. */
function bytesOf(done: number, total: number | null): string {
  return total ? `${formatBytes(done)} of ${formatBytes(total)} (${Math.floor((done / total) * 100)} %)` : formatBytes(done);
}
