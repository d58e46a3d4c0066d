import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import type { i18n } from 'i18next';
import { ToastProvider } from '../components/toast';
import { BackendProvider, type CrmBackend } from '../lib/firebase/backend-context';

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Permission and validation refusals will not change by retrying.
        retry: (count, error) => {
          const code = (error as { code?: unknown }).code;
          const permanent = typeof code === 'string' && /permission-denied|invalid-argument|not-found|unauthenticated|failed-precondition/.test(code);
          return !permanent && count < 2;
        },
      },
    },
  });
}

export function AppProviders({ backend, i18n, children }: { backend: CrmBackend; i18n: i18n; children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={client}>
        <BackendProvider value={backend}>
          <ToastProvider>{children}</ToastProvider>
        </BackendProvider>
      </QueryClientProvider>
    </I18nextProvider>
  );
}
