import { actorOf, readJsonBody, respond } from '@/lib/api/respond';
import { findingMark } from '@/lib/api/triage';

export const dynamic = 'force-dynamic';

/** claim, release, acknowledge, snooze, note, resolve */
export async function POST(req: Request, ctx: { params: Promise<{ id: string; verb: string }> }) {
  const { id, verb } = await ctx.params;
  return respond(async () => findingMark(id, verb, await readJsonBody(req), actorOf(req)));
}
