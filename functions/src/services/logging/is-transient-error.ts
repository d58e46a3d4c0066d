import { isStoreError } from '../../store/document-store.js';

/** gRPC codes a retry can cure: CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE. */
const TRANSIENT_GRPC_CODES = new Set([1, 2, 4, 8, 10, 13, 14]);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'EPIPE']);

/**
 * Whether an error may go away if the same work runs again (contention, an
 * unavailable backend, a dropped connection). A retried trigger rethrows these
 * and nothing else: a validation error or a bug would fail identically on
 * every retry for the days Cloud Functions keeps retrying.
 */
export function isTransientError(error: unknown): boolean {
  if (isStoreError(error)) return error.code === 'aborted' || error.code === 'unavailable';
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return TRANSIENT_GRPC_CODES.has(code);
  if (typeof code === 'string') return TRANSIENT_NETWORK_CODES.has(code);
  return false;
}
