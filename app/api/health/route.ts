import { health } from '@/lib/api/engines';
import { publicRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** For load balancers without a login: the verdict only; logged-in callers get the details. */
export const GET = publicRoute(({ rt, principal }) => health(rt, { detailed: principal !== null }));
