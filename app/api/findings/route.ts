import { findingList } from '@/lib/api/triage';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, ({ rt, query }) => findingList(rt, query));
