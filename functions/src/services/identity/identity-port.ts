import type { PlatformRole, TenantRole } from '../../engine/permissions/evaluate-permission.js';

/** What the callable layer knows about the caller from the verified ID token. */
export interface AuthClaims {
  readonly uid: string;
  readonly email?: string | undefined;
  readonly token: Readonly<Record<string, unknown>>;
}

export interface TenantMembership {
  readonly tenantId: string;
  readonly tenantName: string;
  /** Null when the caller is a platform user without a membership in this tenant. */
  readonly role: TenantRole | null;
  readonly platformRole: PlatformRole | null;
}

/**
 * How the CRM learns who the caller is in a tenant. The host OS owns this data;
 * the CRM only reads it. A host that keeps roles in custom claims instead plugs
 * in its own implementation.
 */
export interface IdentityPort {
  /** Null when the tenant does not exist, the CRM app is off, or the caller is no member (and no super admin). */
  resolveMembership(claims: AuthClaims, tenantId: string): Promise<TenantMembership | null>;
  /** Tenants the caller belongs to, for the standalone tenant picker. */
  listMemberships(claims: AuthClaims): Promise<TenantMembership[]>;
}

export function platformRoleFromClaims(claims: AuthClaims): PlatformRole | null {
  const role = claims.token.platform_role;
  return role === 'super_admin' || role === 'staff' ? role : null;
}
