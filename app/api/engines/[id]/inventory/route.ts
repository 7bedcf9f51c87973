import { engineInventory } from '@/lib/api/engines';
import { respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return respond(() => engineInventory(id));
}
