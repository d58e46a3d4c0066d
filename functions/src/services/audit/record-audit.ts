import { randomBytes } from 'node:crypto';
import type { Transaction, WriteData } from '../../store/document-store.js';
import type { Caller } from '../caller.js';
import { diffValues } from './audit-diff.js';
import type { AuditKind } from './audit-kinds.js';

/**
 * The audit log of configuration changes: `crm_tenants/{t}/audit/{id}`,
 * append-only. `recordAudit` is the only writer (a test greps for others);
 * no callable updates or deletes an entry, and `firestore.rules` deny every
 * client write. It writes inside the caller's transaction, so an entry exists
 * exactly when its change committed: one extra write per change.
 */
export { AUDIT_KINDS, type AuditKind } from './audit-kinds.js';

/** Where a change came from: a callable by name, an API key by id, or server tooling. */
export type AuditVia =
  | { readonly kind: 'callable'; readonly name: string }
  | { readonly kind: 'api_key'; readonly keyId: string }
  | { readonly kind: 'system'; readonly name: string };

export interface AuditEntryInput {
  readonly kind: AuditKind;
  /** What happened, dotted: `field.added`, `permissions.updated`, `workflow.deleted`. */
  readonly action: string;
  /** Who did it; `via` defaults to the caller's `via`, else `system`. */
  readonly caller: Pick<Caller, 'tenantId' | 'uid' | 'role' | 'platformRole'> & { readonly email?: string | undefined; readonly via?: AuditVia | undefined };
  readonly target?: { readonly module?: string | null; readonly id?: string | null; readonly label?: string | null };
  readonly before: unknown;
  readonly after: unknown;
  readonly at: Date;
}

export const auditPaths = {
  entries: (tenantId: string) => `crm_tenants/${tenantId}/audit`,
  entry: (tenantId: string, id: string) => `crm_tenants/${tenantId}/audit/${id}`,
} as const;

/** Adds the entry to the transaction (a write only: call it after the transaction's reads). Returns its id. */
export function recordAudit(tx: Pick<Transaction, 'set'>, entry: AuditEntryInput): string {
  const id = newAuditId(entry.at);
  tx.set(auditPaths.entry(entry.caller.tenantId, id), buildAuditDoc(id, entry));
  return id;
}

export function buildAuditDoc(id: string, entry: AuditEntryInput): WriteData {
  const { changes, truncated } = diffValues(entry.before, entry.after);
  const via = entry.caller.via ?? { kind: 'system', name: 'server' };
  return {
    id,
    kind: entry.kind,
    action: entry.action,
    at: entry.at,
    actorUid: entry.caller.uid,
    actorEmail: entry.caller.email ?? null,
    actorRole: entry.caller.role ?? null,
    actorPlatformRole: entry.caller.platformRole ?? null,
    via: { ...via },
    target: {
      module: entry.target?.module ?? null,
      id: entry.target?.id ?? null,
      label: entry.target?.label ?? null,
    },
    changes: changes.map((change) => ({ ...change })),
    truncated,
  };
}

/** Time first so ids sort like `at`, then random so two changes in one millisecond never collide. */
function newAuditId(at: Date): string {
  return `${at.getTime().toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
}
