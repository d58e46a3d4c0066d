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

interface TenantFacts {
  readonly name: string;
  readonly crmEnabled: boolean;
}

/**
 * Reads membership from the OS's Firestore collections:
 * `tenant_users/{tenantId}_{uid}` ({ tenant_id, user_id, role, status }),
 * `tenants/{tenantId}` ({ name, status }) and `tenant_apps/{tenantId}_crm-pro` ({ enabled }).
 *
 * Membership is read on every call (1 read) so a revoked member loses access at
 * once; tenant facts change rarely and are cached per instance.
 */
export class OsFirestoreIdentity implements IdentityPort {
  private readonly tenantCache = new Map<string, { facts: TenantFacts | null; expiresAt: number }>();

  constructor(
    private readonly store: DocumentStore,
    private readonly options: { tenantCacheMs?: number; now?: () => number } = {},
  ) {}

  async resolveMembership(claims: AuthClaims, tenantId: string): Promise<TenantMembership | null> {
    const platformRole = platformRoleFromClaims(claims);
    const [membership, facts] = await Promise.all([
      platformRole === 'super_admin' ? Promise.resolve(null) : this.store.get(membershipPath(tenantId, claims.uid)),
      this.tenantFacts(tenantId),
    ]);
    if (facts === null) return null;
    if (platformRole === 'super_admin') return { tenantId, tenantName: facts.name, role: null, platformRole };
    if (!facts.crmEnabled || membership === null) return null;
    const { role, status, user_id: userId, tenant_id: memberTenant } = membership.data;
    if (userId !== claims.uid || memberTenant !== tenantId) return null;
    if (status !== undefined && status !== 'active') return null;
    if (!TENANT_ROLES.includes(role as TenantRole)) return null;
    return { tenantId, tenantName: facts.name, role: role as TenantRole, platformRole };
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

  private async tenantFacts(tenantId: string): Promise<TenantFacts | null> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.tenantCache.get(tenantId);
    if (cached && cached.expiresAt > now) return cached.facts;
    const [tenant, app] = await this.store.getAll([
      `${OS_COLLECTIONS.tenants}/${tenantId}`,
      `${OS_COLLECTIONS.tenantApps}/${tenantId}_${CRM_APP_ID}`,
    ]);
    const facts =
      tenant && tenant.data.status !== 'suspended'
        ? { name: String(tenant.data.name ?? tenantId), crmEnabled: app?.data.enabled === true }
        : null;
    this.tenantCache.set(tenantId, { facts, expiresAt: now + (this.options.tenantCacheMs ?? 5 * 60_000) });
    return facts;
  }
}

export function membershipPath(tenantId: string, uid: string): string {
  return `${OS_COLLECTIONS.tenantUsers}/${tenantId}_${uid}`;
}
