import { respond } from '@/lib/api/respond';
import { playbookRunGet } from '@/lib/api/triage';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return respond(() => playbookRunGet(id));
}
