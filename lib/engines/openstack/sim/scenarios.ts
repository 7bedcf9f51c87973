import 'server-only';

/** A scenario of the OpenStack simulator as the demo page lists it; its flow is in cloud.ts / flows.ts. */
export interface OpenStackScenario {
  id: string;
  title: string;
  description: string;
  /** what a presenter clicks or watches next, once it has started */
  next: string;
  /** a word or two on what it is */
  detail: string;
  tags: string[];
}

export const SCENARIOS: readonly OpenStackScenario[] = [
  {
    id: 'live-migration',
    title: 'Live migration completes',
    description: 'An instance moves to another compute host while it runs: Nova accepts it, prepares the destination, copies the memory (4 GiB) and completes.',
    next: 'Open it and watch the memory left to copy shrink, go back up a little as the guest writes, and reach zero; nothing waits for you.',
    detail: 'live migration',
    tags: [],
  },
  {
    id: 'live-migration-stuck',
    title: 'Live migration never converges',
    description: 'The guest writes to its memory faster than it can be copied: the migration keeps running and never finishes by itself.',
    next: 'Wait until the memory left stops shrinking, then press Force complete (pauses the guest briefly) or Abort (it stays where it is).',
    detail: 'live migration',
    tags: ['needs an operator'],
  },
  {
    id: 'live-migration-no-valid-host',
    title: 'Live migration finds no host',
    description: 'The only other host is disabled for maintenance: the scheduler finds nowhere to put the instance and the migration fails within a second.',
    next: 'Open it: the failure says why in Nova’s words ("No valid host was found."); the instance keeps running where it was.',
    detail: 'live migration',
    tags: ['fails'],
  },
  {
    id: 'live-migration-with-volume',
    title: 'Live migration with a volume attached',
    description: 'An instance with a data volume moves: while the memory is copied, Cinder holds a second attachment of the volume for the destination host.',
    next: 'Open it while it runs and look at the volume: two attachments, one per host; after completion only the new one is left.',
    detail: 'live migration',
    tags: ['volume'],
  },
  {
    id: 'cold-migration',
    title: 'Cold migration waits for confirm',
    description: 'An instance is moved to another host by copying its disk; Nova then waits for someone to confirm the move (or revert it).',
    next: 'Wait for "Needs you: Confirm" on the board, then press Confirm on the operation.',
    detail: 'cold migration',
    tags: ['needs an operator'],
  },
  {
    id: 'resize',
    title: 'Resize waits for confirm or revert',
    description: 'An instance gets a bigger flavor on another host and runs there until someone confirms the new size or reverts to the old one.',
    next: 'Wait for "Needs you", then press Confirm to keep the new size, or Revert to go back to the old flavor and host.',
    detail: 'resize',
    tags: ['needs an operator'],
  },
  {
    id: 'resize-unconfirmed',
    title: 'Resize left unconfirmed for 2 hours',
    description: 'A resize finished two hours ago and nobody confirmed it: the instance still runs on the new host with its old copy kept on the source.',
    next: 'Find it among the operations waiting for someone (it has been waiting long); Confirm or Revert ends it.',
    detail: 'resize',
    tags: ['needs an operator', 'old'],
  },
  {
    id: 'volume-attach',
    title: 'Volume attach',
    description: 'A new volume is attached to an instance: Cinder reserves it, connects it to the host, and marks it in use.',
    next: 'Open it and watch reserved → attaching → attached; nothing waits for you.',
    detail: 'volume attach',
    tags: ['volume'],
  },
  {
    id: 'volume-detach',
    title: 'Volume detach',
    description: 'A data volume is detached from an instance: it shows detaching while the guest lets go, then it is available again.',
    next: 'Open it and watch the volume go from detaching to available; nothing waits for you.',
    detail: 'volume detach',
    tags: ['volume'],
  },
  {
    id: 'volume-swap',
    title: 'Volume swap',
    description: 'An instance’s data volume is replaced by a bigger copy while it runs: for a moment it has both, then only the new one.',
    next: 'Open it while it runs: the new volume attaches, then the old one becomes available; nothing waits for you.',
    detail: 'volume swap',
    tags: ['volume'],
  },
  {
    id: 'volume-swap-fails',
    title: 'Volume swap fails',
    description: 'The swap to a new volume fails on the host: Nova drops the new attachment and the instance keeps its old volume.',
    next: 'Open it: the failure is in the instance’s actions; the old volume is in use again and the new one is available.',
    detail: 'volume swap',
    tags: ['volume', 'fails'],
  },
  {
    id: 'stale-reservation',
    title: 'Stale volume reservation',
    description: 'A volume was reserved for an instance that never attached it: it stays "reserved" and nobody else can attach it.',
    next: 'Look at the reservation that never moves; deleting the attachment frees the volume.',
    detail: 'volume attach',
    tags: ['stuck', 'needs an operator'],
  },
  {
    id: 'stuck-deleting',
    title: 'Instance stuck deleting',
    description: 'A delete was accepted but never reached the compute host (a message-bus outage): the instance says "deleting" for ever.',
    next: 'Watch it stay deleting; an admin reset of its state (to error) ends the task so the delete can be sent again.',
    detail: 'delete',
    tags: ['stuck', 'needs an operator'],
  },
  {
    id: 'stuck-migration-record',
    title: 'Migration record stuck running',
    description: 'The source host restarted in the middle of a live migration: the instance is idle again, but Nova’s record still says running.',
    next: 'Open it: Nova refuses Force complete and Abort for an instance that is not migrating; the record needs cleaning by an admin.',
    detail: 'live migration',
    tags: ['stuck'],
  },
];
