import { openEventStream } from '@/lib/api/event-stream';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** One SSE stream for all engines; Last-Event-ID or ?since= replays the gap. */
export const GET = route({ role: 'viewer' }, ({ rt, req }) => openEventStream(rt, req));
