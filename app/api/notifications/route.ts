import { notificationsGet } from '@/lib/api/notify';
import { respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export function GET() {
  return respond(() => notificationsGet());
}
