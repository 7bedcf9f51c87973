import { engineList } from '@/lib/api/engines';
import { respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export function GET() {
  return respond(engineList);
}
