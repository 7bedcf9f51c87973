import { operationList } from '@/lib/api/operations';
import { respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return respond(() => operationList(new URL(req.url).searchParams));
}
