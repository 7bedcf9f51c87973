import { operationFacets } from '@/lib/api/operations';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The values the board's filters offer: connected engines and the kinds seen. */
export const GET = route({ role: 'viewer' }, ({ rt }) => operationFacets(rt));
