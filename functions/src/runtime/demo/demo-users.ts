import type { App } from 'firebase-admin/app';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-accounts.js';

/**
 * Creates the demo logins in the Auth emulator. The emulator keeps users in
 * memory only, so this runs on every start; fixed uids keep the memberships
 * in the data folder valid. Idempotent, so a shared emulator is fine too.
 */
export async function ensureDemoUsers(app: App): Promise<void> {
  const { getAuth } = await import('firebase-admin/auth');
  const auth = getAuth(app);
  await Promise.all(
    DEMO_USERS.map(async (user) => {
      const profile = { email: user.email, password: DEMO_PASSWORD, displayName: user.displayName, emailVerified: true };
      try {
        await auth.createUser({ uid: user.uid, ...profile });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== 'auth/uid-already-exists' && code !== 'auth/email-already-exists') throw error;
        await auth.updateUser(user.uid, profile);
      }
      await auth.setCustomUserClaims(user.uid, user.claims);
    }),
  );
}
