import { operationGet } from '@/lib/api/operations';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ rt, params }) => operationGet(rt, params.id));
