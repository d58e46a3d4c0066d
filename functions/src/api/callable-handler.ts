import { logger } from 'firebase-functions/logger';
import type { HttpsError } from 'firebase-functions/v2/https';
import type { Services } from '../services/create-services.js';
import { invokeCallable, type CallableName, type CallableRequest } from './crm-api.js';
import { toHttpsError } from './to-https-error.js';
import { isStoreError } from '../store/document-store.js';

/** The body of every deployed `onCall`: run the callable, answer failures as `HttpsError`. */
export async function handleCallable(
  services: Services,
  name: CallableName,
  request: CallableRequest,
): Promise<unknown> {
  try {
    return await invokeCallable(services, name, request);
  } catch (error) {
    const httpsError: HttpsError = toHttpsError(error);
    if (httpsError.code === 'internal') logger.error(`${name} failed`, error);
    // A store refusal answered as the caller's mistake: kept in the log in case it was ours after all.
    else if (isStoreError(error)) logger.warn(`${name}: the store refused the request`, error);
    throw httpsError;
  }
}
