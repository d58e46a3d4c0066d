import type { DocumentStore } from '../../store/document-store.js';
import type { TenantRole } from '../../engine/permissions/evaluate-permission.js';
import { platformRoleFromClaims, type AuthClaims, type IdentityPort, type TenantMembership } from './identity-port.js';

/** The host OS's collections, read-only for the CRM. */
export const OS_COLLECTIONS = {
  tenants: 'tenants',
  tenantUsers: 'tenant_users',
  tenantApps: 'tenant_apps',
} as const;

export const CRM_APP_ID = 'crm-pro';

const TENANT_ROLES: readonly TenantRole[] = ['owner', 'admin', 'member'];

/** Document reads one `resolveMembership` costs (billed like any Firestore read). */
export const MEMBERSHIP_READS = { member: 3, superAdmin: 2 } as const;

/**
 * Reads membership from the OS's Firestore collections:
 * `tenant_users/{tenantId}_{uid}` ({ tenant_id, user_id, role, status }),
 * `tenants/{tenantId}` ({ name, status }) and `tenant_apps/{tenantId}_crm-pro` ({ enabled }).
 *
 * All three are read on every call, in one batched get (one round trip, 3
 * billed reads; 2 for a super admin, who needs no membership). The OS writes
 * these documents, not the CRM, so no instance learns of a change: any
 * per-instance cache of tenant facts would let a suspended tenant or a
 * disabled CRM app keep working until it expired (it was 5 minutes). A
 * removed member, a suspended tenant and a disabled app are all refused on
 * the next call. At 100 calls per user-hour the extra 2 reads cost about
 * $0.0001 per user-hour at Firestore's list price.
 */
export class OsFirestoreIdentity implements IdentityPort {
  constructor(private readonly store: DocumentStore) {}

  async resolveMembership(claims: AuthClaims, tenantId: string): Promise<TenantMembership | null> {
    const platformRole = platformRoleFromClaims(claims);
    const superAdmin = platformRole === 'super_admin';
    const [tenant, app, membership = null] = await this.store.getAll([
      `${OS_COLLECTIONS.tenants}/${tenantId}`,
      `${OS_COLLECTIONS.tenantApps}/${tenantId}_${CRM_APP_ID}`,
      ...(superAdmin ? [] : [membershipPath(tenantId, claims.uid)]),
    ]);
    if (!tenant || tenant.data.status === 'suspended') return null;
    const tenantName = String(tenant.data.name ?? tenantId);
    // A super admin may open any existing tenant, even one whose CRM app is off, to support it.
    if (superAdmin) return { tenantId, tenantName, role: null, platformRole };
    if (app?.data.enabled !== true || membership === null) return null;
    const { role, status, user_id: userId, tenant_id: memberTenant } = membership.data;
    if (userId !== claims.uid || memberTenant !== tenantId) return null;
    if (status !== undefined && status !== 'active') return null;
    if (!TENANT_ROLES.includes(role as TenantRole)) return null;
    return { tenantId, tenantName, role: role as TenantRole, platformRole };
  }

  async listMemberships(claims: AuthClaims): Promise<TenantMembership[]> {
    // A super admin belongs to no tenant but may open any: list the tenants themselves.
    const tenantIds =
      platformRoleFromClaims(claims) === 'super_admin'
        ? (await this.store.query({ collection: OS_COLLECTIONS.tenants, orderBy: [{ field: '__name__' }], limit: 200 })).map((doc) => doc.id)
        : (
            await this.store.query({
              collection: OS_COLLECTIONS.tenantUsers,
              where: [{ field: 'user_id', op: '==', value: claims.uid }],
              limit: 100,
            })
          ).map((row) => String(row.data.tenant_id));
    const memberships = await Promise.all(tenantIds.map((tenantId) => this.resolveMembership(claims, tenantId)));
    return memberships.filter((membership): membership is TenantMembership => membership !== null);
  }
}

export function membershipPath(tenantId: string, uid: string): string {
  return `${OS_COLLECTIONS.tenantUsers}/${tenantId}_${uid}`;
}
