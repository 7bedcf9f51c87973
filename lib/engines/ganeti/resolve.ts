import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { Operation } from '@/lib/model/operation';
import type { Resolution } from '@/lib/model/snapshot';
import type { GanetiClient } from './client';
import { jobIdOf, jobState } from './normalize';

/**
 * How a job phaseboard followed ended once Ganeti stopped listing it before
 * its end was seen (a master failover, an archived queue): its own record if
 * Ganeti still answers for it, otherwise unknown, saying where the instance is.
 */
export async function jobAfterVanish(client: GanetiClient, op: Operation): Promise<Resolution> {
  const id = jobIdOf(op.nativeId);
  if (id === null) throw new AppError('internal', `not a Ganeti job: ${op.nativeId}`);
  const j = await client.job(id);
  const state = j?.status ? jobState(j.status) : null;
  if (state === 'succeeded' || state === 'failed' || state === 'cancelled') return { state, message: `Ganeti's job ${id} ended ${j!.status}` };
  const i = await client.instance(op.subject.name);
  return {
    state: 'unknown',
    message: `Ganeti no longer lists job ${id} (last seen ${op.nativePhase}); ${op.subject.name} is ${i ? `${i.status} on ${i.pnode}` : 'gone from the cluster'}`,
  };
}
