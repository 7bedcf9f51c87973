import { respond } from '@/lib/api/respond';
import { findingList } from '@/lib/api/triage';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return respond(() => findingList(new URL(req.url).searchParams));
}
