/**
 * The callable SDK reports a request that never got an answer (offline, DNS,
 * a dropped connection) as `internal` with the message "internal" — newer
 * SDKs append the HTTP status, which is 0 then: "internal [0]". That is the
 * same code as a server bug, which made the UI blame the server. A server's
 * own `internal` carries its own message ("INTERNAL" or a sentence) and a real
 * status, so this exact message identifies a transport failure.
 */
const TRANSPORT_FAILURE = /^internal(?: \[0\])?$/;

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  /** Shaped like the SDK's errors so retry policies and `toUserError` read it as `unavailable`. */
  readonly code = 'functions/unavailable';
  constructor(readonly original: unknown) {
    super('unavailable');
  }
}

export function isTransportFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (globalThis.navigator?.onLine === false) return true;
  return code === 'functions/internal' && typeof message === 'string' && TRANSPORT_FAILURE.test(message);
}
