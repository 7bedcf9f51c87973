import { DemoPlayer } from '@/components/demo/demo-player';

export const metadata = { title: 'Demo · phaseboard' };

export default function DemoPage() {
  return <DemoPlayer />;
}
