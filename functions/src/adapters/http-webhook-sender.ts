import { createHmac } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { blockedAddressReason, isBlockedHostName, parseIpv4, parseIpv6 } from '../engine/workflows/blocked-address.js';
import type { WebhookDelivery, WebhookResult, WebhookSender } from '../services/workflows/webhook-sender.js';

export type { WebhookDelivery, WebhookResult, WebhookSender };

export type ResolveHost = (hostname: string) => Promise<string[]>;

export interface HttpWebhookSenderOptions {
  /** DNS resolution; injected by tests. Default: the system resolver, every address. */
  readonly resolve?: ResolveHost;
  readonly timeoutMs?: number;
  /**
   * TEST ONLY: exact addresses allowed although private (a local test server
   * on 127.0.0.1). Production wiring never sets it.
   */
  readonly allowAddresses?: readonly string[];
  readonly now?: () => Date;
}

export const SIGNATURE_HEADER = 'X-CRM-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme receivers verify (Stripe-style). */
export function signWebhook({ secret, body, timestamp }: { secret: string; body: string; timestamp: number }): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/**
 * POSTs webhooks with node:http(s) rather than fetch: the request's own DNS
 * lookup is replaced by one that checks every resolved address, so the
 * address we vetted is the address we connect to (no DNS-rebinding window
 * between a check and fetch's second lookup). Redirects are not followed
 * (a 3xx could point inside the network) and count as a failed delivery.
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(private readonly options: HttpWebhookSenderOptions = {}) {}

  async checkUrl(url: string): Promise<string | null> {
    const target = parseTarget(url);
    if (typeof target === 'string') return target;
    if (target.literal) return this.addressProblem(target.hostname);
    if (isBlockedHostName(target.hostname)) return `${target.hostname} is an internal host name`;
    let addresses: string[];
    try {
      addresses = await this.resolve(target.hostname);
    } catch {
      return `${target.hostname} does not resolve`;
    }
    if (addresses.length === 0) return `${target.hostname} does not resolve`;
    for (const address of addresses) {
      const problem = this.addressProblem(address);
      if (problem) return `${target.hostname} resolves to ${problem}`;
    }
    return null;
  }

  async send(delivery: WebhookDelivery): Promise<WebhookResult> {
    const started = Date.now();
    const failed = (error: string, retryable: boolean, status: number | null = null): WebhookResult => ({
      ok: false,
      retryable,
      status,
      error,
      durationMs: Date.now() - started,
    });
    const target = parseTarget(delivery.url);
    if (typeof target === 'string') return failed(target, false);
    if (target.literal) {
      const problem = this.addressProblem(target.hostname);
      if (problem) return failed(`refused: ${problem}`, false);
    } else if (isBlockedHostName(target.hostname)) {
      return failed(`refused: ${target.hostname} is an internal host name`, false);
    }
    const timestamp = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(delivery.body)),
      'user-agent': 'CRM-Pro-Webhooks/1',
      [SIGNATURE_HEADER.toLowerCase()]: signWebhook({ secret: delivery.secret, body: delivery.body, timestamp }),
      'x-crm-timestamp': String(timestamp),
      'x-crm-event-id': delivery.eventId,
      'x-crm-delivery-attempt': String(delivery.attempt + 1),
    };
    let refusal: string | null = null;
    const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
      this.resolve(hostname).then(
        (addresses) => {
          const problems = addresses.map((address) => this.addressProblem(address)).filter((p): p is string => p !== null);
          if (addresses.length === 0 || problems.length > 0) {
            refusal = addresses.length === 0 ? `${hostname} does not resolve` : `${hostname} resolves to ${problems[0]}`;
            callback(Object.assign(new Error(refusal), { code: 'EBLOCKED' }), '', 4);
            return;
          }
          const entries = addresses.map((address) => ({ address, family: parseIpv4(address) !== null ? 4 : 6 }));
          if (lookupOptions.all) (callback as unknown as (e: null, all: typeof entries) => void)(null, entries);
          else callback(null, entries[0]?.address ?? '', entries[0]?.family ?? 4);
        },
        (error: unknown) => callback(error as NodeJS.ErrnoException, '', 4),
      );
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = send(
          target.url,
          { method: 'POST', headers, lookup, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) },
          (res: IncomingMessage) => {
            // Drain and discard: the body is the receiver's business, and a slow one must not hold us.
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(delivery.body);
      });
      if (status >= 200 && status < 300) return { ok: true, status, durationMs: Date.now() - started };
      const retryable = status >= 500 || status === 408 || status === 429;
      return failed(`answered HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`, retryable, status);
    } catch (error) {
      if (refusal) return failed(`refused: ${refusal}`, false);
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') return failed(`timed out after ${this.options.timeoutMs ?? 10_000} ms`, true);
      return failed(`could not connect: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  private addressProblem(address: string): string | null {
    if (this.options.allowAddresses?.includes(address)) return null;
    const reason = blockedAddressReason(address);
    return reason ? `${address} (${reason})` : null;
  }

  private async resolve(hostname: string): Promise<string[]> {
    if (this.options.resolve) return this.options.resolve(hostname);
    const results = await dnsLookup(hostname, { all: true, verbatim: true });
    return results.map((result) => result.address);
  }
}

type Target = { url: URL; hostname: string; protocol: string; literal: boolean };

function parseTarget(raw: string): Target | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http:// and https:// URLs are allowed';
  if (url.username || url.password) return 'URLs with credentials are not allowed; use the signing secret';
  // The WHATWG parser already turned 2130706433 / 0x7f.1 into dotted quads; IPv6 keeps its brackets.
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const literal = parseIpv4(hostname) !== null || parseIpv6(hostname) !== null;
  return { url, hostname, protocol: url.protocol, literal };
}
