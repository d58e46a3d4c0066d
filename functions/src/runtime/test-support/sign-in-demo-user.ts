import { DEMO_PASSWORD } from '../demo/demo-accounts.js';

/** An ID token for a demo login, from the Auth emulator's REST API (tests of the embedded stack). */
export async function signInDemoUser(authEmulatorUrl: string, email: string): Promise<string> {
  const response = await fetch(`${authEmulatorUrl}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD, returnSecureToken: true }),
  });
  const body = (await response.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`sign-in of ${email} failed: ${JSON.stringify(body)}`);
  return body.idToken;
}
