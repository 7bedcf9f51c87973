import { createEventStream, resumePoint } from '@/lib/api/event-stream';
import { getRuntime } from '@/lib/runtime/get-runtime';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const { store, bus } = await getRuntime();
  const stream = createEventStream({ store, bus, since: resumePoint(req), signal: req.signal });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
