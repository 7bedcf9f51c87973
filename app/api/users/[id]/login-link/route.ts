import { userLoginLink } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** body `{ "minutes"?: 60 }`: a one-time login link for the user */
export const POST = route<{ id: string }>({ role: 'admin', status: 201 }, ({ rt, params, body, actor }) => userLoginLink(rt, params.id, body, actor));
