import type { FirebaseApp } from 'firebase/app';
import type { User } from 'firebase/auth';
import { getFunctions, type Functions } from 'firebase/functions';
import { useMemo, useState } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { AppProviders } from './app/app-providers';
import { crmRoutes } from './app/crm-routes';
import type { CrmBackend } from './lib/firebase/backend-context';
import { createI18n } from './lib/i18n/init-i18n';
import './styles/app.css';

export interface CrmAppProps {
  /** The host OS's Firebase app (already connected to emulators if the host uses them). */
  readonly firebaseApp: FirebaseApp;
  /** The user the host OS signed in: the CRM never asks for a second sign-in. */
  readonly user: User;
  /** The tenant the OS opened the CRM for. */
  readonly tenantId: string;
  /** Callable region; the CRM is deployed to us-central1 unless the host says otherwise. */
  readonly region?: string;
  /** A Functions instance the host already configured (e.g. for its emulator); wins over `region`. */
  readonly functions?: Functions;
}

/**
 * The CRM as a component the host OS mounts in its window. Routing is kept in
 * memory so the CRM never fights the host for the address bar.
 */
export function CrmApp({ firebaseApp, user, tenantId, region = 'us-central1', functions }: CrmAppProps) {
  const [i18n] = useState(createI18n);
  const router = useMemo(
    () => createMemoryRouter(crmRoutes({ fixedTenantId: tenantId }), { initialEntries: [`/t/${encodeURIComponent(tenantId)}`] }),
    [tenantId],
  );
  const backend = useMemo<CrmBackend>(
    () => ({
      app: firebaseApp,
      functions: functions ?? getFunctions(firebaseApp, region),
      user,
      storage: firebaseApp.options.storageBucket ? { emulatorUrl: null } : null,
      signOut: null,
      filesOrigin: null,
      fixedTenantId: tenantId,
    }),
    [firebaseApp, functions, region, user, tenantId],
  );
  return (
    <div className="crm-embed-root">
      <AppProviders key={user.uid} backend={backend} i18n={i18n}>
        <RouterProvider router={router} />
      </AppProviders>
    </div>
  );
}
