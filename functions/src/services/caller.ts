import type { Actor, TenantRole } from '../engine/permissions/evaluate-permission.js';
import type { AuditVia } from './audit/record-audit.js';

/** The authenticated caller, resolved against one tenant by the API layer. */
export interface Caller extends Actor {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly email?: string | undefined;
  /** Where the call came from (a callable by name, an API key): the audit log records it. */
  readonly via?: AuditVia | undefined;
  /**
   * Set when an admin previews the CRM as another role ("see as role X"):
   * `role` is then the previewed role and this is the admin's real role.
   * Writes are refused under a preview.
   */
  readonly previewOf?: TenantRole | undefined;
}
