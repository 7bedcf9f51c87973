import { errorResponse } from '@/lib/api/respond';
import { getRuntime } from '@/lib/runtime/get-runtime';
import { buildSupportBundle } from '@/lib/support/bundle';

export const dynamic = 'force-dynamic';

/** The support bundle of one operation, as a file download. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const id = decodeURIComponent((await ctx.params).id);
  try {
    const bundle = await buildSupportBundle(await getRuntime(), id);
    const name = `phaseboard-${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
    return new Response(JSON.stringify(bundle, null, 2), {
      headers: { 'Content-Type': 'application/json', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
