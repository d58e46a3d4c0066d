/**
 * The callable SDK reports a request that never reached the server (offline,
 * DNS, a dropped connection) as `internal` with the message "internal" — the
 * same code as a server bug, which made the UI blame the server. A server's
 * own `internal` carries its own message ("INTERNAL" or a sentence), so the
 * exact lowercase pair identifies a transport failure.
 */
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
  return code === 'functions/internal' && message === 'internal';
}
