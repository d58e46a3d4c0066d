import type { TenantRole } from '../../engine/permissions/evaluate-permission.js';

/** One password for every demo login: this is a local demo, printed on the console. */
export const DEMO_PASSWORD = 'crm-demo-123';

export type DemoIndustry = 'hospital' | 'real-estate' | 'jewellery' | 'corporate';

export interface DemoTenant {
  readonly id: string;
  readonly name: string;
  /** The template this tenant starts on; null leaves it fresh, so its admin sees the selection screen. */
  readonly templateSlug: DemoIndustry | null;
}

export const DEMO_TENANTS: readonly DemoTenant[] = [
  { id: 'demo-hospital', name: 'Riverside General Hospital', templateSlug: 'hospital' },
  { id: 'demo-realestate', name: 'Harbor & Pine Realty', templateSlug: 'real-estate' },
  { id: 'demo-jewellery', name: 'Aurum Fine Jewellers', templateSlug: 'jewellery' },
  { id: 'demo-corporate', name: 'Northwind Consulting Group', templateSlug: 'corporate' },
  { id: 'demo-fresh', name: 'Fresh Start Co.', templateSlug: null },
];

const INDUSTRY_TENANT_IDS = DEMO_TENANTS.filter((t) => t.templateSlug !== null).map((t) => t.id);

export interface DemoUser {
  /** Fixed, so memberships stored in the data folder still match after the Auth emulator restarts empty. */
  readonly uid: string;
  readonly email: string;
  readonly displayName: string;
  /** What the login is for, as printed. */
  readonly label: string;
  readonly claims: Readonly<Record<string, string>> | null;
  readonly memberships: ReadonlyArray<{ readonly tenantId: string; readonly role: TenantRole }>;
}

function memberOf(tenantIds: readonly string[], role: TenantRole) {
  return tenantIds.map((tenantId) => ({ tenantId, role }));
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    uid: 'demo-superadmin',
    email: 'superadmin@demo.crm',
    displayName: 'Sasha Platform',
    label: 'Super admin (platform; no tenant membership)',
    claims: { platform_role: 'super_admin' },
    memberships: [],
  },
  {
    uid: 'demo-owner',
    email: 'owner@demo.crm',
    displayName: 'Olivia Bennett',
    label: 'Owner of the four industry tenants',
    claims: null,
    memberships: memberOf(INDUSTRY_TENANT_IDS, 'owner'),
  },
  {
    uid: 'demo-admin',
    email: 'admin@demo.crm',
    displayName: 'Arjun Mehta',
    label: 'Admin of the four industry tenants',
    claims: null,
    memberships: memberOf(INDUSTRY_TENANT_IDS, 'admin'),
  },
  {
    uid: 'demo-member',
    email: 'member@demo.crm',
    displayName: 'Maya Lopez',
    label: 'Member of the four industry tenants',
    claims: null,
    memberships: memberOf(INDUSTRY_TENANT_IDS, 'member'),
  },
  {
    uid: 'demo-newadmin',
    email: 'newadmin@demo.crm',
    displayName: 'Noah Fischer',
    label: 'Owner of "Fresh Start Co." (no template yet)',
    claims: null,
    memberships: memberOf(['demo-fresh'], 'owner'),
  },
];
