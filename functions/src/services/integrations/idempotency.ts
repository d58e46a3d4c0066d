import { createHash } from 'node:crypto';
import type { ReadOps } from '../../store/document-store.js';
import type { RecordWriteGuard } from '../records/records-service.js';
import { integrationPaths } from './integration-paths.js';

/** How long a key's first response is kept and replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** Stripe's bound: long enough for a UUID or a hash, short enough to index. */
export const IDEMPOTENCY_KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** The key was used before with this request: answer what was answered then. */
export class IdempotentReplay extends Error {
  override readonly name = 'IdempotentReplay';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('idempotent replay');
  }
}

/** The key was used before with a different request: refusing beats silently answering the wrong one. */
export class IdempotencyKeyReused extends Error {
  override readonly name = 'IdempotencyKeyReused';
}

export interface IdempotencyScope {
  readonly tenantId: string;
  /** Keys are per API key: two integrations choosing the same idempotency key do not collide. */
  readonly apiKeyId: string;
  readonly idempotencyKey: string;
  /** Method, path and body of the request, hashed: a replay must be the same request. */
  readonly request: { method: string; path: string; body: unknown };
  readonly now: Date;
}

/**
 * The record write and the stored response commit in one transaction
 * (`RecordWriteGuard`), so a replay, even one racing the first request,
 * either finds the response or loses the transaction and retries into it:
 * never a second record. Only successful writes are stored; a refused request
 * (invalid data, a version conflict) wrote nothing, and retrying it with the
 * same key runs it again.
 */
export function idempotencyGuard(scope: IdempotencyScope, status: number): RecordWriteGuard & { precheck(reader: ReadOps): Promise<void> } {
  const path = integrationPaths.idempotencyKey(scope.tenantId, digest(`${scope.apiKeyId}\n${scope.idempotencyKey}`));
  const fingerprint = digest(`${scope.request.method}\n${scope.request.path}\n${JSON.stringify(scope.request.body ?? null)}`);
  const check = async (reader: ReadOps): Promise<void> => {
    const doc = await reader.get(path);
    if (!doc) return;
    // Past its day the key is free again (the TTL policy deletes such documents eventually).
    if (!(doc.data.expireAt instanceof Date) || doc.data.expireAt.getTime() <= scope.now.getTime()) return;
    if (doc.data.fingerprint !== fingerprint) {
      throw new IdempotencyKeyReused('This Idempotency-Key was used with a different request.');
    }
    throw new IdempotentReplay(Number(doc.data.status), JSON.parse(String(doc.data.body)));
  };
  return {
    precheck: check,
    check,
    commit(tx, view) {
      tx.set(path, {
        apiKeyId: scope.apiKeyId,
        fingerprint,
        status,
        // A string, not a map: the stored answer is never queried, so it must not cost index entries.
        body: JSON.stringify({ record: view }),
        createdAt: scope.now,
        expireAt: new Date(scope.now.getTime() + IDEMPOTENCY_TTL_MS),
      });
    },
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
