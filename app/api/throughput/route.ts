import { connectionThroughput } from '@/lib/api/operations';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** Bytes per second per connection over time (the board's throughput chart). */
export const GET = route({ role: 'viewer' }, ({ rt, query }) => connectionThroughput(rt, query));
