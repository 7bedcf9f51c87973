import { sessionGet } from '@/lib/api/access';
import { publicRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** Who is logged in (principal null when nobody) and which login methods there are. */
export const GET = publicRoute(({ rt, principal }) => sessionGet(rt, principal));
