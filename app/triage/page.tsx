import { Suspense } from 'react';
import { TriageInbox } from '@/components/triage/triage-inbox';

export default function TriagePage() {
  return (
    <Suspense>
      <TriageInbox />
    </Suspense>
  );
}
