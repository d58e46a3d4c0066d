/**
 * The callables over plain HTTP, as an attacker with a valid login would call
 * them: proves the server refuses what the UI merely does not offer.
 */
export interface StackRef {
  readonly url: string;
  readonly authEmulatorUrl: string;
  readonly projectId: string;
  readonly region: string;
}

export async function idTokenFor(stack: StackRef, email: string, password: string): Promise<string> {
  const response = await fetch(`${stack.authEmulatorUrl}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-api-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  const body = (await response.json()) as { idToken?: string; error?: { message?: string } };
  if (!body.idToken) throw new Error(`Sign-in of ${email} failed: ${body.error?.message ?? response.status}`);
  return body.idToken;
}

export type CallResult = { ok: true; result: Record<string, unknown> } | { ok: false; status: string; message: string };

export async function callCallable(stack: StackRef, idToken: string, name: string, data: unknown): Promise<CallResult> {
  const response = await fetch(`${stack.url}/${stack.projectId}/${stack.region}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${idToken}` },
    body: JSON.stringify({ data }),
  });
  const body = (await response.json()) as { result?: Record<string, unknown>; error?: { status?: string; message?: string } };
  if (body.result) return { ok: true, result: body.result };
  return { ok: false, status: body.error?.status ?? String(response.status), message: body.error?.message ?? '' };
}
