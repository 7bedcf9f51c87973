import { route } from '@/lib/http/route';
import { getRuntime } from '@/lib/runtime/get-runtime';
import { buildSupportBundle } from '@/lib/support/bundle';

export const dynamic = 'force-dynamic';

/** The support bundle of one operation, as a file download. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params }) => {
  const bundle = await buildSupportBundle(await getRuntime(), params.id);
  const name = `phaseboard-${params.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
  return new Response(JSON.stringify(bundle, null, 2), {
    headers: { 'Content-Type': 'application/json', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
  });
});
