/**
 * The webhook-sender port. The production implementation (HTTP with SSRF
 * checks, HMAC signatures, time-outs) is an adapter: `adapters/http-webhook-sender.ts`.
 */
export interface WebhookDelivery {
  readonly url: string;
  readonly body: string;
  readonly secret: string;
  readonly eventId: string;
  readonly attempt: number;
}

export type WebhookResult =
  | { readonly ok: true; readonly status: number; readonly durationMs: number }
  | { readonly ok: false; readonly retryable: boolean; readonly status: number | null; readonly error: string; readonly durationMs: number };

export interface WebhookSender {
  /** Why this URL may not be called (SSRF), or null. Resolves the host name. */
  checkUrl(url: string): Promise<string | null>;
  send(delivery: WebhookDelivery): Promise<WebhookResult>;
}

/** The sender of a process that wired none: every URL is refused with a reason an admin can read. */
export const webhooksNotWired: WebhookSender = {
  checkUrl: async () => 'webhooks are not enabled in this process (no webhook sender is configured)',
  send: async () => ({ ok: false, retryable: false, status: null, error: 'no webhook sender is configured', durationMs: 0 }),
};
