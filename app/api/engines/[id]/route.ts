import { engineRemove } from '@/lib/api/engines';
import { actorOf, respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

/** Removes a connection added from the UI (config-file ones are changed in the file). */
export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return respond(() => engineRemove(id, actorOf(req)));
}
