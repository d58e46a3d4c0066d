/**
 * A stand-in for the host OS ("Alphery OS"), built only for the browser tests
 * (CRM_EMBED_DEMO=1): it signs the user in with *its own* Firebase app and
 * mounts `CrmApp` in a window, the way the OS does. The CRM must render
 * without asking for a second sign-in.
 */
import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, inMemoryPersistence, initializeAuth, signInWithEmailAndPassword, type User } from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions } from 'firebase/functions';
import { StrictMode, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { CrmApp } from '../embed';
import { loadFirebaseSetup } from '../lib/firebase/firebase-config';
import './host-demo.css';

const setup = await loadFirebaseSetup(import.meta.env, async (url) => (await fetch(url)).json());
const app = initializeApp(setup.options, 'host-os');
const auth = initializeAuth(app, { persistence: inMemoryPersistence });
const functions = getFunctions(app, setup.region);
if (setup.emulators) {
  connectAuthEmulator(auth, setup.emulators.auth, { disableWarnings: true });
  const origin = new URL(setup.emulators.functionsOrigin);
  connectFunctionsEmulator(functions, origin.hostname, Number(origin.port));
}
const tenantId = new URLSearchParams(window.location.search).get('tenant') ?? 'demo-hospital';

function HostOs() {
  const [user, setUser] = useState<User | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const signIn = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    try {
      const credential = await signInWithEmailAndPassword(auth, String(data.get('email')), String(data.get('password')));
      setUser(credential.user);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div className="host-desktop">
      <header className="host-taskbar">
        <strong>Alphery OS</strong>
        <span>{user ? user.email : 'not signed in'}</span>
      </header>
      {user ? (
        <section className="host-window" aria-label="CRM Pro window">
          <div className="host-window-title">CRM Pro — {tenantId}</div>
          <div className="host-window-body">
            <CrmApp firebaseApp={app} user={user} tenantId={tenantId} functions={functions} />
          </div>
        </section>
      ) : (
        <form className="host-login" onSubmit={(event) => void signIn(event)}>
          <h1>Alphery OS sign-in</h1>
          <input name="email" type="email" placeholder="email" aria-label="host email" />
          <input name="password" type="password" placeholder="password" aria-label="host password" />
          <button type="submit">Enter the OS</button>
          {failure ? <p role="alert">{failure}</p> : null}
        </form>
      )}
    </div>
  );
}

const root = document.getElementById('host-root');
if (!root) throw new Error('embed-demo.html has no #host-root');
createRoot(root).render(
  <StrictMode>
    <HostOs />
  </StrictMode>,
);
