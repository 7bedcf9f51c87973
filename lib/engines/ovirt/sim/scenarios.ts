import 'server-only';
import type { DiskStatus, TransferPhase } from '../constants';

/**
 * A scenario is data: a list of steps the simulated engine and client play,
 * plus how the engine answers each action. Durations are at speed 1.
 */
export type Step =
  | { phase: TransferPhase }
  | { disk: DiskStatus }
  | { wait: number }
  /** the client sends (or reads) data until fraction `to`, at a rate of the whole image per `fullMs` */
  | { send: { to: number; fullMs: number } }
  /** the client stops; oVirt pauses the transfer after its inactivity timeout */
  | { stall: true }
  /** nothing happens until an action (from the client or an operator) arrives */
  | { await: 'action' }
  /** the simulated client itself calls the action */
  | { client: 'finalize' | 'cancel' }
  | { remove: 'transfer' | 'disk' };

/**
 * success: seed 000's order; failure: verify fails, disk ILLEGAL; stuck: never leaves
 * finalizing_success; slow-unlock: disk OK long before the transfer ends;
 * orphan-lock: the engine drops the transfer and leaves the disk LOCKED.
 */
export type FinalizeOutcome = 'success' | 'failure' | 'stuck' | 'slow-unlock' | 'orphan-lock';

export interface Scenario {
  id: string;
  title: string;
  /** what a presenter clicks or watches next, once it has started */
  next: string;
  description: string;
  direction: 'upload' | 'download';
  sizeBytes: number;
  /** the engine removes finished transfers at once (oVirt before 4.4.7) */
  legacyRemoval: boolean;
  /** who calls finalize once the data is sent; 'operator' waits for phaseboard */
  finalizeBy: 'client' | 'operator';
  finalize: FinalizeOutcome;
  /** seconds without data before oVirt pauses the transfer (oVirt default 60) */
  inactivityTimeoutS: number;
  /** what the client does after initializing */
  body: Step[];
  /** once this transfer has finished, the client tries again on the same disk with this scenario */
  then?: string;
}

const GiB = 1024 ** 3;

const initializing: Step[] = [{ phase: 'initializing' }, { wait: 1500 }, { phase: 'transferring' }];

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'upload-success',
    title: 'Upload succeeds',
    next: 'Open it and watch the pipeline tick through transfer, finalize, verify and unlock; nothing waits for you.',
    description: 'A 2 GiB upload sends its data, the client finalizes, the disk unlocks: finished_success.',
    direction: 'upload',
    sizeBytes: 2 * GiB,
    legacyRemoval: false,
    finalizeBy: 'client',
    finalize: 'success',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 1, fullMs: 20_000 } }],
  },
  {
    id: 'download-success',
    title: 'Download succeeds',
    next: 'Open it: a download also ends with finalize and the disk unlocking, with no one to ask.',
    description: 'A 1 GiB download reads the disk, the client finalizes: finished_success.',
    direction: 'download',
    sizeBytes: 1 * GiB,
    legacyRemoval: false,
    finalizeBy: 'client',
    finalize: 'success',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 1, fullMs: 15_000 } }],
  },
  {
    id: 'upload-awaits-finalize',
    title: 'Upload waits for finalize',
    next: 'Wait for "Needs you: Finalize" on the board (or filter Needs you), then press Finalize on the operation.',
    description: 'The upload sends all data and then waits for an operator to finalize it from phaseboard.',
    direction: 'upload',
    sizeBytes: 1 * GiB,
    legacyRemoval: false,
    finalizeBy: 'operator',
    finalize: 'success',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 1, fullMs: 8_000 } }],
  },
  {
    id: 'inactivity-paused',
    title: 'Client inactivity pauses the upload',
    next: 'Skip 30 s ahead: oVirt pauses it (paused_system). Open Triage, read why, and resume it from the finding.',
    description: 'The client stops sending at 40 %; after the inactivity timeout oVirt pauses the transfer (paused_system). Resume it to continue.',
    direction: 'upload',
    sizeBytes: 2 * GiB,
    legacyRemoval: false,
    finalizeBy: 'client',
    finalize: 'success',
    inactivityTimeoutS: 30,
    body: [{ send: { to: 0.4, fullMs: 15_000 } }, { stall: true }, { send: { to: 1, fullMs: 15_000 } }],
  },
  {
    id: 'legacy-finalize-removed',
    title: 'Finalize on an engine older than 4.4.7',
    next: 'Watch the engine drop the transfer at once: phaseboard reads the outcome from the disk, not the missing transfer.',
    description: 'The engine removes the transfer as soon as it finishes; the disk turns OK ~3 s before it is unlocked. Only the disk check tells the outcome.',
    direction: 'upload',
    sizeBytes: 1 * GiB,
    legacyRemoval: true,
    finalizeBy: 'client',
    finalize: 'success',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 1, fullMs: 8_000 } }],
  },
  {
    id: 'finalize-failure',
    title: 'Finalize fails',
    next: 'Press Finalize when it asks: verification fails, the disk turns ILLEGAL, and Triage explains what is safe next.',
    description: 'Image verification fails during finalize: finalizing_failure → finished_failure, the disk is ILLEGAL.',
    direction: 'upload',
    sizeBytes: 1 * GiB,
    legacyRemoval: false,
    finalizeBy: 'operator',
    finalize: 'failure',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 1, fullMs: 6_000 } }],
  },
  {
    id: 'user-cancel',
    title: 'User cancels',
    next: 'Watch its own client cancel it mid-way: read the outcome and the timeline; a cancel by the client is not an incident.',
    description: 'The client cancels at 30 %: cancelled_user → finalizing_cleanup → finished_cleanup.',
    direction: 'upload',
    sizeBytes: 2 * GiB,
    legacyRemoval: false,
    finalizeBy: 'client',
    finalize: 'success',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 0.3, fullMs: 20_000 } }, { client: 'cancel' }, { await: 'action' }],
  },
  {
    id: 'stuck-finalizing',
    title: 'Stuck in finalizing_success',
    next: 'Let it sit in finalizing_success: Triage flags it after the expected time and offers the wait playbook.',
    description: 'After finalize the engine never leaves finalizing_success; the disk stays locked.',
    direction: 'upload',
    sizeBytes: 1 * GiB,
    legacyRemoval: false,
    finalizeBy: 'operator',
    finalize: 'stuck',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 1, fullMs: 6_000 } }],
  },
  {
    id: 'upload-retried',
    title: 'Upload cancelled, then retried by the client',
    next: 'Open it after the first attempt fails: the retry on the same disk shows as attempt 2 of the same upload.',
    description: 'The client gives up at 30 % (cancelled_user → finished_cleanup), then uploads the same disk again: attempt 2, which succeeds.',
    direction: 'upload',
    sizeBytes: 1 * GiB,
    legacyRemoval: false,
    finalizeBy: 'client',
    finalize: 'success',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 0.3, fullMs: 10_000 } }, { client: 'cancel' }, { await: 'action' }],
    then: 'upload-success',
  },
  {
    id: 'slow-unlock',
    title: 'Disk OK long before the transfer finishes',
    next: 'Open Triage when the disk says OK but the transfer is still finalizing: it says not to trust the disk yet.',
    description: 'During finalize the disk reports OK 20 s before the engine ends the transfer: the disk status must not be trusted yet.',
    direction: 'upload',
    sizeBytes: 1 * GiB,
    legacyRemoval: false,
    finalizeBy: 'client',
    finalize: 'slow-unlock',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 1, fullMs: 6_000 } }],
  },
  {
    id: 'orphaned-disk-lock',
    title: 'Transfer gone, disk left LOCKED',
    next: 'Open Triage: the disk was left LOCKED with no transfer; dry-run the unlock playbook, then run it.',
    description: 'The engine drops the transfer during finalize and never releases the disk lock; only an engine-side unlock helps.',
    direction: 'upload',
    sizeBytes: 1 * GiB,
    legacyRemoval: true,
    finalizeBy: 'client',
    finalize: 'orphan-lock',
    inactivityTimeoutS: 60,
    body: [{ send: { to: 1, fullMs: 6_000 } }],
  },
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** The steps a scenario plays from creation until it waits for finalize. */
export function scenarioProgram(s: Scenario): Step[] {
  const end: Step[] = s.finalizeBy === 'client' ? [{ client: 'finalize' }] : [];
  return [...initializing, ...s.body, ...end, { await: 'action' }];
}

/** How the engine plays each action, given the scenario. */
export function finalizeSteps(s: Scenario): Step[] {
  if (s.finalize === 'stuck') return [{ phase: 'finalizing_success' }, { await: 'action' }];
  if (s.finalize === 'orphan-lock') return [{ phase: 'finalizing_success' }, { wait: 2000 }, { remove: 'transfer' }, { await: 'action' }];
  if (s.finalize === 'slow-unlock') {
    return [{ phase: 'finalizing_success' }, { wait: 2000 }, { disk: 'ok' }, { wait: 20_000 }, { phase: 'finished_success' }, { await: 'action' }];
  }
  if (s.finalize === 'failure') {
    return [
      { phase: 'finalizing_success' },
      { wait: 2000 },
      { phase: 'finalizing_failure' },
      { disk: 'illegal' },
      { wait: 1500 },
      { phase: 'finished_failure' },
      ...(s.legacyRemoval ? [{ remove: 'transfer' } as const] : []),
      { await: 'action' },
    ];
  }
  // Seed 000: the disk turns OK about 3 s before the engine unlocks it and ends the transfer.
  return [
    { phase: 'finalizing_success' },
    { wait: 2000 },
    { disk: 'ok' },
    { wait: 3000 },
    { phase: 'finished_success' },
    ...(s.legacyRemoval ? [{ remove: 'transfer' } as const] : []),
    { await: 'action' },
  ];
}

/** How oVirt plays a cancel: the user's (cancelled_user) or its own after a timeout or error (cancelled_system). */
function cancelSteps(first: 'cancelled_user' | 'cancelled_system'): Step[] {
  return [
    { phase: first },
    { wait: 1000 },
    { phase: 'finalizing_cleanup' },
    { wait: 2000 },
    // the engine releases the disk lock as it cleans up; the data sent is discarded
    { disk: 'ok' },
    { phase: 'finished_cleanup' },
    { await: 'action' },
  ];
}

export const CANCEL_STEPS = cancelSteps('cancelled_user');
export const SYSTEM_CANCEL_STEPS = cancelSteps('cancelled_system');
