/**
 * Polls `url` until it answers 2xx (and, with `accept`, a body it accepts: any
 * HTTP server on a reused port would answer 200); fails after `timeoutMs` or
 * as soon as `abortIf` says so.
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; intervalMs?: number; abortIf?: () => string | null; accept?: (body: string) => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const reason = options.abortIf?.();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok && (!options.accept || options.accept(await response.text()))) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 150));
  }
  throw new Error(`${url} did not answer within ${Math.round(options.timeoutMs / 1000)} s.`);
}

/** The Auth emulator's project config endpoint answers `{"signIn": ...}`; nothing else on a port does. */
export function isAuthEmulatorConfig(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { signIn?: unknown }).signIn === 'object';
  } catch {
    return false;
  }
}
