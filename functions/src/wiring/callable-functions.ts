/**
 * The deployed callables. Defining them is cheap (plain objects); what a
 * request needs — the callable table, zod schemas, services, the Firestore
 * client — is imported by `loadCallableHandler`, so an instance of one kind of
 * function never loads another kind's modules.
 */
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import type { CallableName } from '../api/crm-api.js';
import { enforceAppCheckParam } from './deploy-params.js';
import { loadOnce, warmUpInDeployedInstance } from './load-once.js';

export const loadCallableHandler = loadOnce(async () => {
  const [{ handleCallable }, { getInstanceServices }] = await Promise.all([import('../api/callable-handler.js'), import('./instance-services.js')]);
  return { handleCallable, services: await getInstanceServices() };
});

warmUpInDeployedInstance(loadCallableHandler);

export function callable(name: CallableName) {
  // App Check is a deploy param (CRM_ENFORCE_APP_CHECK in functions/.env): off until the SPA sends tokens.
  return onCall({ cors: true, enforceAppCheck: enforceAppCheckParam }, async (request: CallableRequest<unknown>) => {
    const { handleCallable, services } = await loadCallableHandler();
    return handleCallable(services, name, {
      data: request.data,
      auth: request.auth ? { uid: request.auth.uid, email: request.auth.token.email, token: request.auth.token } : null,
    });
  });
}
