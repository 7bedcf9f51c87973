import { scenarioList } from '@/lib/api/demo';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, async ({ rt }) => scenarioList(rt));
