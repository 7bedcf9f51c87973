import { scenarioStart } from '@/lib/api/demo';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>({ role: 'admin', status: 201 }, ({ rt, params, body }) => scenarioStart(rt, params.id, body));
