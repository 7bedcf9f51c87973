import { DemoPlayer } from '@/components/demo/demo-player';

export default function DemoPage() {
  return <DemoPlayer />;
}
