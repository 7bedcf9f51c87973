/**
 * Ganeti's words and phaseboard's timings for it. Job statuses and error
 * classes: Ganeti's constants.py and errors.py (3.0); what RAPI answers:
 * fixtures/ and https://docs.ganeti.org/docs/ganeti/3.0/html/rapi.html
 */

/** The statuses a job ends in. */
export const FINAL_JOB_STATUSES: ReadonlySet<string> = new Set(['success', 'error', 'canceled']);

/** An instance whose cluster config and hypervisor disagree: what migrate --cleanup repairs. */
export const WRONG_NODE_STATES: ReadonlySet<string> = new Set(['ERROR_down', 'ERROR_wrongnode']);

/** Ganeti's words when a cleanup finds the instance on no node: it asks for a stop (disks down), then a start. */
export const NOT_RUNNING_AT_ALL = /does not seem to be running at all/;

/** How long Ganeti holds a /wait before it answers "no change". */
export const WAIT_HOLD_S = 10;

/** Ganeti keeps ended jobs for hours (then archives them): those that ended in the last hour are shown, and those already followed. */
export const RECENT_JOB_MS = 60 * 60_000;
/** Jobs read in full at once, and ended jobs read in full per poll (RAPI takes 0.1–0.5 s a job). */
export const FULL_READS_AT_ONCE = 8;
export const ENDED_READS_PER_POLL = 8;
/** At most this many jobs are followed with /wait at once; the rest are polled. */
export const MAX_WAITS = 20;
/** After a /wait fails, this long before that job is waited on again (polls go on meanwhile). */
export const WAIT_RETRY_MS = 2000;

/**
 * A running migration is not "stuck" before this, however fast the cluster's
 * usual ones are; after it, once past what history allows (three times the
 * median of this cluster's, or 30 min until it has five) with no new log line.
 */
export const STUCK_FLOOR_MS = 2 * 60_000;
