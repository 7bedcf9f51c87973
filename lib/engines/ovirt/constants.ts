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
