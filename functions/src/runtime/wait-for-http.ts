/** Polls `url` until it answers 2xx; fails after `timeoutMs` or as soon as `abortIf` says so. */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; intervalMs?: number; abortIf?: () => string | null },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const reason = options.abortIf?.();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 150));
  }
  throw new Error(`${url} did not answer within ${Math.round(options.timeoutMs / 1000)} s.`);
}
