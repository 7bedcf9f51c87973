import { decodePathParam } from '@/lib/client/path-param';
import { OperationDetail } from '@/components/operation/operation-detail';

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <OperationDetail id={decodePathParam(id)} />;
}
