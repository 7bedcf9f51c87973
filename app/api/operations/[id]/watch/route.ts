import { operationWatch } from '@/lib/api/notify';
import { actorOf, readJsonBody, respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

/** body `{ "watched": true | false }`: be told (browser, webhook) if it fails */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const id = decodeURIComponent((await ctx.params).id);
  return respond(async () => operationWatch(id, await readJsonBody(req), actorOf(req)));
}
