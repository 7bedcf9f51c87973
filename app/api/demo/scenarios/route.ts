import { scenarioList } from '@/lib/api/demo';
import { respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export function GET() {
  return respond(async () => scenarioList());
}
