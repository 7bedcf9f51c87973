import { engineStart } from '@/lib/api/engines';
import { actorOf, readJsonBody, respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

/** block_copy or live_migration; 400 names the bad field, 502 carries libvirt's refusal */
export async function POST(req: Request, ctx: { params: Promise<{ id: string; kind: string }> }) {
  const { id, kind } = await ctx.params;
  return respond(async () => engineStart(id, kind, await readJsonBody(req), actorOf(req)), 202);
}
