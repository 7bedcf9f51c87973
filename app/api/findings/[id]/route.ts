import { findingGet } from '@/lib/api/triage';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ rt, params }) => findingGet(rt, params.id));
