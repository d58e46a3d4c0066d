/**
 * A memoized loader for what a function's handler needs (modules, services):
 * shared by the handler and by the instance's start-up warm-up, and reset on
 * failure so the next request retries instead of failing forever.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/**
 * In a deployed instance (`FUNCTION_TARGET` names the function it serves),
 * start loading the handler's modules during start-up, so the first request
 * finds them loaded; a failure here is retried by that request.
 */
export function warmUpInDeployedInstance(load: () => Promise<unknown>): void {
  if (process.env.FUNCTION_TARGET) void load().catch(() => undefined);
}
