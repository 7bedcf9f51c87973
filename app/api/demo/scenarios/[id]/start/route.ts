import { scenarioStart } from '@/lib/api/demo';
import { readJsonBody, respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return respond(async () => scenarioStart(id, await readJsonBody(req)), 201);
}
