import 'server-only';
/**
 * libvirt's timings phaseboard relies on, and where libvirt documents the
 * behaviour the adapter follows.
 *
 * - Block jobs (copy, pull, commit; ready, pivot, abort): https://libvirt.org/kbase/live_full_disk_backup.html
 *   and `virsh blockcopy` / `blockjob` in https://libvirt.org/manpages/virsh.html
 * - Block job events (`block-job-2`: completed, failed, cancelled, ready): https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectDomainEventBlockJobStatus
 * - Migration (pre-copy iterations, post-copy, bandwidth, domjobinfo fields): https://libvirt.org/migration.html
 *   and https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetJobStats
 * - Connection URIs (transports, keyfile, known_hosts, pkipath): https://libvirt.org/uri.html
 */

/** How long a migration that left the host waits for libvirt's job-completed event (it can trail the poll). */
export const EVENT_GRACE_MS = 1500;

/** How long a pivot or abort waits for the job to leave `virsh blockjob` before saying so. */
export const SETTLE_MS = 30_000;

/** How long a migration start waits for data to flow (or for libvirt's refusal) before answering. */
export const START_GRACE_MS = 8000;

/** Poll period while waiting for a job to settle or a migration to start. */
export const WAIT_POLL_MS = 250;
