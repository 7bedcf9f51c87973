import 'server-only';
/**
 * libvirt scenarios for the embedded simulator. Durations are at speed 1;
 * sizes and rates are bytes and bytes per second.
 */
export type LibvirtScenario =
  | {
      id: string;
      title: string;
      /** what a presenter clicks or watches next, once it has started */
      next: string;
      description: string;
      job: 'copy' | 'pull' | 'active-commit';
      sizeBytes: number;
      bandwidth: number;
      /** what the tool that started the job does once it is ready (copies, active commits) */
      whenReady: { action: 'pivot' | 'cancel'; afterMs: number } | { action: 'wait' };
      /** a client that gives up before ready (cancel before ready) */
      cancelAtFraction?: number;
    }
  | {
      id: string;
      title: string;
      /** what a presenter clicks or watches next, once it has started */
      next: string;
      description: string;
      job: 'migration';
      ramBytes: number;
      bandwidth: number;
      /** bytes per second the guest dirties */
      dirtyRate: number;
      /** the client aborts after this many iterations if still not done */
      abortAfterIterations?: number;
    };

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export const LIBVIRT_SCENARIOS: readonly LibvirtScenario[] = [
  {
    id: 'copy-pivot',
    title: 'Block copy, then pivot',
    next: 'Open it: the copy reaches ready, the tool pivots, and the pipeline ends on the new image.',
    description: 'A 4 GiB disk is copied (copying → ready); the storage tool pivots 5 s after ready: the domain runs on the copy.',
    job: 'copy',
    sizeBytes: 4 * GiB,
    bandwidth: 200 * MiB,
    whenReady: { action: 'pivot', afterMs: 5000 },
  },
  {
    id: 'copy-awaits-pivot',
    title: 'Block copy waits for pivot',
    next: 'Wait for "Needs you: Pivot", then press Pivot: the domain switches to the copy.',
    description: 'The copy reaches ready and keeps mirroring until an operator pivots or cancels it from phaseboard.',
    job: 'copy',
    sizeBytes: 2 * GiB,
    bandwidth: 200 * MiB,
    whenReady: { action: 'wait' },
  },
  {
    id: 'copy-cancel-before-ready',
    title: 'Block copy cancelled before ready',
    next: 'Watch the tool give up at 40 %: the domain stays on its source, and the outcome says so.',
    description: 'The tool cancels at 40 %: the copy is abandoned and the domain stays on its source.',
    job: 'copy',
    sizeBytes: 4 * GiB,
    bandwidth: 150 * MiB,
    whenReady: { action: 'wait' },
    cancelAtFraction: 0.4,
  },
  {
    id: 'copy-cancel-after-ready',
    title: 'Block copy cancelled after ready',
    next: 'A cancel once in sync keeps a point-in-time copy: read the outcome, the domain stays on its source.',
    description: 'The tool cancels once in sync: the copy stays as a point-in-time copy, the domain on its source.',
    job: 'copy',
    sizeBytes: 2 * GiB,
    bandwidth: 200 * MiB,
    whenReady: { action: 'cancel', afterMs: 4000 },
  },
  {
    id: 'block-pull',
    title: 'Block pull',
    next: 'Open it: a pull has no pivot; it ends on its own with the backing chain flattened.',
    description: 'The backing chain is pulled into the active layer; the job completes by itself.',
    job: 'pull',
    sizeBytes: 3 * GiB,
    bandwidth: 150 * MiB,
    whenReady: { action: 'wait' },
  },
  {
    id: 'active-commit',
    title: 'Active block commit',
    next: 'Open it: once ready the tool pivots by itself, and the domain runs on the base with the top layer folded in.',
    description: 'The active layer is committed into its base; once ready the tool pivots.',
    job: 'active-commit',
    sizeBytes: 2 * GiB,
    bandwidth: 150 * MiB,
    whenReady: { action: 'pivot', afterMs: 3000 },
  },
  {
    id: 'migration-converging',
    title: 'Live migration converges',
    next: 'Open it: remaining memory falls every iteration, the ETA holds, and the domain moves.',
    description: '8 GiB of RAM at 500 MiB/s with a light guest: each iteration sends less, then the domain moves.',
    job: 'migration',
    ramBytes: 8 * GiB,
    bandwidth: 500 * MiB,
    dirtyRate: 60 * MiB,
  },
  {
    id: 'migration-not-converging',
    title: 'Live migration does not converge',
    next: 'Open it: the ETA says "not converging" in amber. Raise the bandwidth or switch to post-copy.',
    description:
      'The guest dirties 180 MiB/s against 120 MiB/s of bandwidth: remaining data stops shrinking; aborted after 12 iterations unless an operator helps.',
    job: 'migration',
    ramBytes: 2 * GiB,
    bandwidth: 120 * MiB,
    dirtyRate: 180 * MiB,
    abortAfterIterations: 12,
  },
];

export function findLibvirtScenario(id: string): LibvirtScenario | undefined {
  return LIBVIRT_SCENARIOS.find((s) => s.id === id);
}
