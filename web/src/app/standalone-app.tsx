import { initializeApp, type FirebaseApp } from 'firebase/app';
import { browserLocalPersistence, connectAuthEmulator, initializeAuth, onAuthStateChanged, signOut, type Auth, type User } from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, type Functions } from 'firebase/functions';
import { useEffect, useMemo, useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import type { i18n } from 'i18next';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { ErrorBanner, FullPageSpinner } from '../components/status-views';
import { SignInPage } from '../features/auth/components/sign-in-page';
import { loadFirebaseSetup, type FirebaseSetup } from '../lib/firebase/firebase-config';
import type { CrmBackend } from '../lib/firebase/backend-context';
import { AppProviders } from './app-providers';
import { crmRoutes } from './crm-routes';

interface Firebase {
  readonly app: FirebaseApp;
  readonly auth: Auth;
  readonly functions: Functions;
  readonly setup: FirebaseSetup;
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

async function connectFirebase(): Promise<Firebase> {
  const setup = await loadFirebaseSetup(import.meta.env, fetchJson);
  const app = initializeApp(setup.options);
  // initializeAuth with one persistence keeps popup/redirect code out of the first screen.
  const auth = initializeAuth(app, { persistence: browserLocalPersistence });
  const functions = getFunctions(app, setup.region);
  if (setup.emulators) {
    connectAuthEmulator(auth, setup.emulators.auth, { disableWarnings: true });
    const origin = new URL(setup.emulators.functionsOrigin);
    connectFunctionsEmulator(functions, origin.hostname, Number(origin.port || (origin.protocol === 'https:' ? 443 : 80)));
  }
  return { app, auth, functions, setup };
}

type Boot = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; firebase: Firebase };

/** The standalone SPA: connect, sign in against Firebase Auth, then the CRM. */
export function StandaloneApp({ i18n }: { i18n: i18n }) {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    let unsubscribe = () => {};
    connectFirebase().then(
      (firebase) => {
        setBoot({ state: 'ready', firebase });
        unsubscribe = onAuthStateChanged(firebase.auth, setUser);
      },
      (error: unknown) => setBoot({ state: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => unsubscribe();
  }, []);

  return (
    <I18nextProvider i18n={i18n}>
      {boot.state === 'failed' ? (
        <BootFailure message={boot.message} />
      ) : boot.state === 'loading' || user === undefined ? (
        <FullPageSpinner />
      ) : user === null ? (
        <SignInPage auth={boot.firebase.auth} />
      ) : (
        // Keyed by user: a different sign-in starts from an empty cache.
        <SignedInApp key={user.uid} firebase={boot.firebase} user={user} i18n={i18n} />
      )}
    </I18nextProvider>
  );
}

function SignedInApp({ firebase, user, i18n }: { firebase: Firebase; user: User; i18n: i18n }) {
  const router = useMemo(() => createBrowserRouter(crmRoutes({ fixedTenantId: null })), []);
  const backend = useMemo<CrmBackend>(
    () => ({
      app: firebase.app,
      functions: firebase.functions,
      user,
      storage: firebase.setup.options.storageBucket ? { emulatorUrl: firebase.setup.emulators?.storage ?? null } : null,
      signOut: () => signOut(firebase.auth),
      filesOrigin: firebase.setup.emulators?.functionsOrigin ?? null,
      fixedTenantId: null,
    }),
    [firebase, user],
  );
  return (
    <AppProviders backend={backend} i18n={i18n}>
      <RouterProvider router={router} />
    </AppProviders>
  );
}

function BootFailure({ message }: { message: string }) {
  const { t } = useTranslation();
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>{t('errors.boot')}</h1>
        <ErrorBanner message={message} onRetry={() => window.location.reload()} />
      </div>
    </main>
  );
}
