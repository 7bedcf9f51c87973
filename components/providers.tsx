'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Toaster } from 'sonner';
import { SessionGate } from '@/components/auth/session-gate';

export function Providers({ children }: { children: ReactNode }) {
  // The stream keeps data fresh; queries need not refetch on focus.
  const [qc] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 } } }));
  return (
    <QueryClientProvider client={qc}>
      <SessionGate>{children}</SessionGate>
      <Toaster richColors closeButton position="bottom-right" />
    </QueryClientProvider>
  );
}
