import { createEventStream, resumePoint } from '@/lib/api/event-stream';
import { route } from '@/lib/http/route';
import { getRuntime } from '@/lib/runtime/get-runtime';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, async ({ req }) => {
  const { store, bus, stopping } = await getRuntime();
  // Ends when the browser goes, or when phaseboard stops (SIGTERM must not wait for browsers).
  const stream = createEventStream({ store, bus, since: resumePoint(req), signal: AbortSignal.any([req.signal, stopping]) });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
});
