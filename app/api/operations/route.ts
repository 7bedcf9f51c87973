import { operationList } from '@/lib/api/operations';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, ({ rt, query }) => operationList(rt, query));
