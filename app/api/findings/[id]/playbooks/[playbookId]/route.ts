import { actorOf, readJsonBody, respond } from '@/lib/api/respond';
import { findingDryRun, findingRunPlaybook } from '@/lib/api/triage';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string; playbookId: string }> };

/** The dry run: each request the playbook will send and each entity it will change. */
export async function GET(_req: Request, ctx: Ctx) {
  const { id, playbookId } = await ctx.params;
  return respond(() => findingDryRun(id, playbookId));
}

/** Runs it (body `{ "confirm": true }`); answers the run, whose steps then go on live. */
export async function POST(req: Request, ctx: Ctx) {
  const { id, playbookId } = await ctx.params;
  return respond(async () => findingRunPlaybook(id, playbookId, await readJsonBody(req), actorOf(req)), 202);
}
