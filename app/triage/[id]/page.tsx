import { decodePathParam } from '@/lib/client/path-param';
import { FindingDetail } from '@/components/triage/finding-detail';

export default async function FindingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <FindingDetail id={decodePathParam(id)} />;
}
