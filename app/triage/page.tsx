import { Suspense } from 'react';
import { TriageInbox } from '@/components/triage/triage-inbox';

export const metadata = { title: 'Triage · phaseboard' };

export default function TriagePage() {
  return (
    <Suspense>
      <TriageInbox />
    </Suspense>
  );
}
