import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import { isStoreError } from '../store/document-store.js';
import { CrmError, defaultMessageKey, type CrmErrorCode } from '../services/errors.js';

/** The one place CRM error codes become callable error codes. */
export function toHttpsErrorCode(code: CrmErrorCode): FunctionsErrorCode {
  switch (code) {
    case 'unauthenticated':
      return 'unauthenticated';
    case 'invalid-input':
      return 'invalid-argument';
    case 'not-member':
    case 'crm-not-enabled':
    case 'forbidden':
      return 'permission-denied';
    case 'not-found':
      return 'not-found';
    case 'already-exists':
      return 'already-exists';
    case 'template-locked':
    case 'template-not-selected':
    case 'precondition':
      return 'failed-precondition';
    case 'version-conflict':
    case 'contention':
      return 'aborted';
  }
}

export const STORE_REFUSED_MESSAGE =
  'The database refused a value in this request (a reserved id, malformed text or an oversized value). Check the input and try again.';

/**
 * Domain errors keep their English message (logs, API users) and send
 * `details` = { code, messageKey, params, field?, issues } so the SPA says the
 * same thing in the user's language;
 * anything unexpected is logged by the caller and answered as `internal`
 * without its message, so no stack or foreign identifier leaks.
 */
export function toHttpsError(error: unknown): HttpsError {
  if (error instanceof HttpsError) return error;
  if (error instanceof CrmError) {
    return new HttpsError(toHttpsErrorCode(error.code), error.message, {
      code: error.code,
      messageKey: error.messageKey,
      params: error.params,
      ...(error.field === undefined ? {} : { field: error.field }),
      issues: error.issues,
    });
  }
  if (isStoreError(error, 'invalid-argument')) {
    // Requests are validated before they reach the store, so this is rare; but when the database refuses
    // a value the caller sent (a reserved id, malformed text), that is their mistake, never INTERNAL.
    return new HttpsError('invalid-argument', STORE_REFUSED_MESSAGE, { code: 'invalid-input', issues: [] });
  }
  if (isStoreError(error, 'aborted')) {
    return new HttpsError('aborted', 'The CRM is busy with the same data right now. Try again in a moment.', {
      code: 'contention',
      messageKey: defaultMessageKey('contention'),
      params: {},
      issues: [],
    });
  }
  return new HttpsError('internal', 'Something went wrong on our side. Try again; if it keeps failing, contact support.');
}
