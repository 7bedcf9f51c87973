import { EngineList } from '@/components/engines/engine-list';

export const metadata = { title: 'Engines · phaseboard' };

export default function EnginesPage() {
  return <EngineList />;
}
