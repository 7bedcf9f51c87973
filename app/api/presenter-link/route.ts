import { presenterLink } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** body `{ "minutes"?: 60 }`: a one-time link to a read-only session for a presenter */
export const POST = route({ role: 'admin', status: 201 }, ({ rt, body, actor }) => presenterLink(rt, body, actor));
