import 'server-only';
/**
 * oVirt engine enums used by image transfers.
 * ImageTransferPhase: https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/image_transfer_phase
 * DiskStatus: https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/disk_status
 */
export const TRANSFER_PHASES = [
  'initializing',
  'transferring',
  'resuming',
  'paused_system',
  'paused_user',
  'cancelled',
  'cancelled_system',
  'cancelled_user',
  'finalizing_success',
  'finalizing_failure',
  'finalizing_cleanup',
  'finished_success',
  'finished_failure',
  'finished_cleanup',
  'unknown',
] as const;
export type TransferPhase = (typeof TRANSFER_PHASES)[number];

export const DISK_STATUSES = ['ok', 'locked', 'illegal'] as const;
export type DiskStatus = (typeof DISK_STATUSES)[number];

/** oVirt SSO scope for the REST API. */
export const SSO_SCOPE = 'ovirt-app-api';

/** How long finalize waits for a final phase before giving up (seed 000 uses 60 s). */
export const FINALIZE_TIMEOUT_MS = 60_000;
/** Poll period while waiting for finalize (seed 000 polls every second). */
export const FINALIZE_POLL_MS = 1_000;

/**
 * Audit-log codes oVirt writes about image transfers (ovirt-engine
 * AuditLogType.java; TransferDiskImageCommand logs them): initiated (1031),
 * the end (succeeded 1032, cancelled 1033, failed 1034, cleaned up 1053),
 * pauses and resumes by users and by the inactivity timeout, and stops by
 * the system. Phases in between (transferring → finalizing) log nothing.
 */
export const TRANSFER_EVENT_CODES: ReadonlySet<number> = new Set([
  1031, 1032, 1033, 1034, 1035, 1053, 1060, 1061, 1062, 1063, 1064, 1065, 1067, 1068, 1069, 1070, 1071, 1072, 1073, 1074, 1076, 1077,
]);

/** Events read per change check: more new ones than this counts as a change (some may not have been seen). */
export const EVENTS_PER_CHECK = 100;
