import { operationBundle } from '@/lib/api/operations';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The support bundle of one operation, as a file download. */
export const GET = route<{ id: string }>({ role: 'viewer' }, ({ rt, params }) => operationBundle(rt, params.id));
