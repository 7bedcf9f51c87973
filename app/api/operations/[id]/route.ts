import { operationGet } from '@/lib/api/operations';
import { respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return respond(() => operationGet(decodeURIComponent(id)));
}
