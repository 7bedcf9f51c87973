import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { fromZodError } from '@/lib/errors/zod-error';
import { formatBytes } from '@/lib/format/bytes';
import type { ActionAvailability, Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import type { Resolution } from '@/lib/model/snapshot';
import type { ActionRequest, ActionResult, ActionView, EngineFact } from '../types';
import { VERB_ARGS, virshLine, type LibvirtClient } from './client';
import { abortedFact, resolveBlockJob } from './resolve';

const str = (v: unknown) => (v === null || v === undefined ? '?' : String(v));

/**
 * What each action does to a block job or a migration, in the words seed 004
 * and libvirt use: pivot only when ready; cancel before ready abandons the
 * copy, cancel after ready leaves it as a point-in-time copy.
 */
export function describeLibvirtActions(op: ActionView): ActionAvailability[] {
  const ended = op.gone || isTerminal(op.state);
  const endedReason = op.gone ? 'the job has ended' : `the job has ended (${op.nativePhase})`;
  const d = op.details;
  const when = (ok: boolean, reason: string) => (ended ? { enabled: false, reason: endedReason } : ok ? { enabled: true } : { enabled: false, reason });
  if (op.kind === 'live_migration') {
    const postcopy = d.postcopyActive === true;
    return [
      {
        name: 'set_bandwidth',
        label: 'Change bandwidth',
        dangerous: false,
        params: [{ name: 'bandwidthMiBs', label: 'New maximum', type: 'integer', unit: 'MiB/s', min: 1, max: 1_000_000, default: 64 }],
        effect: `libvirt changes the migration's maximum bandwidth (migrate-setspeed, MiB/s); now ${d.memoryBandwidth ? formatBytes(Number(d.memoryBandwidth)) + '/s' : 'unknown'} in use.`,
        ...when(true, ''),
      },
      {
        name: 'postcopy',
        label: 'Switch to post-copy',
        dangerous: true,
        effect: `The guest resumes on the destination at once and fetches the remaining memory on demand (migrate-postcopy). Converges always, but if the network fails now the guest is lost. Only works if the migration was started with --postcopy.`,
        ...when(!postcopy, 'the migration is already in post-copy'),
      },
      {
        name: 'cancel',
        label: 'Abort migration',
        dangerous: true,
        effect: `libvirt aborts the migration (domjobabort); ${str(d.domain)} keeps running here on the source.`,
        ...when(true, ''),
      },
    ];
  }
  const ready = op.state === 'ready';
  const copyLike = op.kind === 'block_copy' || d.jobType === 'Active Block Commit';
  const actions: ActionAvailability[] = [];
  if (copyLike) {
    actions.push({
      name: 'pivot',
      label: 'Pivot',
      dangerous: false,
      effect:
        op.kind === 'block_copy'
          ? `The domain switches to the copy ${str(d.destination)} and the job ends; ${str(d.source)} is no longer written.`
          : `The disk's active layer is merged down and the domain runs on the base image; the job ends.`,
      // in sync, and nothing more happens until someone pivots (or cancels)
      awaited: ready,
      ...when(ready, `pivot needs the job to be ready (in sync); it is ${op.nativePhase}`),
    });
  }
  actions.push({
    name: 'cancel',
    label: 'Cancel job',
    dangerous: !ready,
    effect: !copyLike
      ? `The ${op.kind === 'block_pull' ? 'pull' : 'commit'} stops; what was done so far stays, the backing chain is unchanged.`
      : ready
        ? `Mirroring ends: ${str(d.destination)} stays as a point-in-time copy (consistent as of now) and the domain stays on ${str(d.source)}.`
        : `The copy is abandoned: ${str(d.destination)} is incomplete and must not be used; the domain stays on ${str(d.source)}.`,
    ...when(true, ''),
  });
  return actions;
}

/** The values each action takes; checked before anything is sent. */
export const ACTION_PARAMS = {
  set_bandwidth: z.object({ bandwidthMiBs: z.number().int().min(1).max(1_000_000) }),
};

/** The actions each libvirt kind may offer. */
export const LIBVIRT_ACTIONS = {
  block_copy: [{ name: 'pivot' }, { name: 'cancel' }],
  block_pull: [{ name: 'cancel' }],
  block_commit: [{ name: 'pivot' }, { name: 'cancel' }],
  live_migration: [{ name: 'set_bandwidth', params: ACTION_PARAMS.set_bandwidth }, { name: 'postcopy' }, { name: 'cancel' }],
};

export function checkLibvirtParams(action: string, params: Record<string, unknown>): void {
  const schema = (ACTION_PARAMS as Record<string, z.ZodType | undefined>)[action];
  const r = schema?.safeParse(params);
  if (r && !r.success) throw fromZodError(r.error, `${action} params`);
}

/** What an action needs of the adapter: the client, a wait for the job to leave, and where the disk points now. */
export interface LibvirtActionDeps {
  client: LibvirtClient;
  /** waits until the job is no longer listed (after a pivot or an abort) */
  settle(op: Operation, log: (line: string) => void): Promise<void>;
  /** the disk's source now; undefined when the domain is gone */
  diskSource(domain: string, disk: string): Promise<string | null | undefined>;
  /** an engine fact the adapter says itself (an abort it asked for) */
  tell(fact: EngineFact): void;
}

export async function performLibvirtAction(deps: LibvirtActionDeps, op: Operation, req: ActionRequest): Promise<ActionResult> {
  const { client } = deps;
  const domain = String(op.details.domain);
  const disk = String(op.details.disk);
  // each line in the timeline is the command sent, as a dry run shows it
  const say = (args: string[]) => req.log(virshLine(args));
  if (op.kind === 'live_migration') {
    switch (req.action) {
      case 'set_bandwidth': {
        const { bandwidthMiBs } = ACTION_PARAMS.set_bandwidth.parse(req.params);
        say(VERB_ARGS.migrateSetSpeed({ domain, bandwidthMiBs }));
        await client.migrateSetSpeed({ domain, bandwidthMiBs });
        return { ok: true, message: `maximum bandwidth set to ${bandwidthMiBs} MiB/s` };
      }
      case 'postcopy':
        say(VERB_ARGS.migratePostcopy({ domain }));
        await client.migratePostcopy({ domain });
        return { ok: true, message: 'switched to post-copy' };
      case 'cancel':
        say(VERB_ARGS.domJobAbort({ domain }));
        await client.domJobAbort({ domain });
        deps.tell(abortedFact(domain));
        return { ok: true, message: 'migration abort requested' };
    }
  } else if (req.action === 'pivot' || req.action === 'cancel') {
    const pivot = req.action === 'pivot';
    say((pivot ? VERB_ARGS.blockJobPivot : VERB_ARGS.blockJobAbort)({ domain, disk }));
    await (pivot ? client.blockJobPivot({ domain, disk }) : client.blockJobAbort({ domain, disk }));
    await deps.settle(op, req.log);
    const resolution: Resolution = resolveBlockJob(
      { ...op, nativePhase: op.state === 'ready' ? 'ready' : op.nativePhase },
      await req.history(),
      await deps.diskSource(domain, disk),
    );
    const ok = pivot ? resolution.state === 'succeeded' : resolution.state === 'cancelled';
    return { ok, message: resolution.message, resolution };
  }
  throw new AppError('unsupported', `libvirt ${op.kind.replace(/_/g, ' ')} has no "${req.action}" action`);
}
