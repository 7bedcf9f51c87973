import { EngineList } from '@/components/engines/engine-list';

export default function EnginesPage() {
  return <EngineList />;
}
