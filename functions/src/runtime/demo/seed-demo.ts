import { resolveAccessScope, type TenantRole } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../../services/caller.js';
import type { TenantConfig } from '../../services/config/tenant-config.js';
import { resolveModule } from '../../services/config/tenant-config.js';
import type { Services } from '../../services/create-services.js';
import { CRM_APP_ID, membershipPath, OS_COLLECTIONS } from '../../services/identity/os-firestore-identity.js';
import { loadTemplateFiles } from '../../services/templates/load-template-files.js';
import { seedTemplates } from '../../services/templates/seed-templates.js';
import type { StoreValue } from '../../store/document-store.js';
import { DEMO_TENANTS, DEMO_USERS, type DemoTenant } from './demo-accounts.js';
import { DemoRandom } from './demo-random.js';
import { generateRecordData, orderModulesForSeeding, type CreatedRecord } from './generate-record-data.js';

/** Bump when the demo changes shape; a data folder seeded by an older version says so and keeps its data. */
export const SEED_VERSION = 1;
export const SEED_MARKER_PATH = 'crm_runtime/seed';

/** Records per module: enough for lists, filters and dashboards to look alive (a few dozen per tenant). */
const RECORDS_PER_MODULE: Readonly<Record<string, number>> = {
  doctors: 6, patients: 14, appointments: 16, medical_records: 10,
  agents: 5, properties: 12, leads: 11, viewings: 10, deals: 6,
  inventory: 14, customers: 12, orders: 10, repairs: 8,
  accounts: 8, contacts: 12, opportunities: 10, tasks: 12,
};
const DEFAULT_RECORDS_PER_MODULE = 8;

export interface SeededTenant {
  readonly id: string;
  readonly name: string;
  readonly template: string | null;
  readonly records: number;
}

export interface SeedSummary {
  /** False when the data folder already held the demo (a warm start). */
  readonly seededNow: boolean;
  readonly seededAt: string;
  readonly version: number;
  readonly tenants: readonly SeededTenant[];
  readonly warnings: readonly string[];
}

export interface SeedOptions {
  readonly templatesDir: string;
  readonly now?: Date;
}

/**
 * Publishes the repository's templates (every start: a new template version
 * shows up without a reset) and, once per data folder, creates the demo
 * tenants, memberships and records. The OS documents are written directly
 * because here the seed plays the host OS; everything of the CRM goes through
 * the services, so it passes the same validation and numbering as a user's.
 */
export async function seedDemo(services: Services, options: SeedOptions): Promise<SeedSummary> {
  const { store } = services;
  const warnings: string[] = [];
  const marker = await store.get(SEED_MARKER_PATH);

  try {
    await seedTemplates(store, await loadTemplateFiles(options.templatesDir));
  } catch (error) {
    // A half-edited template must not keep a seeded CRM from starting; a first seed needs them, though.
    if (!marker) throw error;
    warnings.push(`Templates were not republished: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (marker?.data.status === 'seeding') {
    // Only a killed process leaves this (a normal stop waits for the seed): say so rather than seed over half a demo.
    warnings.push('The demo seed in this data folder was interrupted; run `npm run reset` for a complete demo.');
  }
  if (marker) {
    const version = Number(marker.data.version);
    if (version !== SEED_VERSION) {
      warnings.push(`This data folder holds demo version ${version}; run \`npm run reset\` for version ${SEED_VERSION}.`);
    }
    return {
      seededNow: false,
      seededAt: String(marker.data.seededAt),
      version,
      tenants: parseSeededTenants(marker.data.tenants),
      warnings,
    };
  }

  const now = options.now ?? new Date();
  await store.set(SEED_MARKER_PATH, { version: SEED_VERSION, status: 'seeding', startedAt: now.toISOString() });
  await writeOsDocuments();
  const tenants: SeededTenant[] = [];
  for (const [position, tenant] of DEMO_TENANTS.entries()) {
    tenants.push(await seedTenant(services, tenant, { now, seed: 20_260_101 + position, warnings }));
  }
  const seededAt = now.toISOString();
  await store.set(SEED_MARKER_PATH, {
    version: SEED_VERSION,
    status: 'done',
    seededAt,
    tenants: tenants.map((t) => ({ id: t.id, name: t.name, template: t.template, records: t.records })),
  });
  return { seededNow: true, seededAt, version: SEED_VERSION, tenants, warnings };

  async function writeOsDocuments(): Promise<void> {
    const batch = store.batch();
    for (const tenant of DEMO_TENANTS) {
      batch.set(`${OS_COLLECTIONS.tenants}/${tenant.id}`, { name: tenant.name, status: 'active', created_at: new Date() });
      batch.set(`${OS_COLLECTIONS.tenantApps}/${tenant.id}_${CRM_APP_ID}`, { tenant_id: tenant.id, app_id: CRM_APP_ID, enabled: true });
    }
    for (const user of DEMO_USERS) {
      // The host OS's profile: where the CRM reads people's names (timeline, task assignees, mentions).
      batch.set(`platform_users/${user.uid}`, { email: user.email, display_name: user.displayName });
      for (const { tenantId, role } of user.memberships) {
        batch.set(membershipPath(tenantId, user.uid), { tenant_id: tenantId, user_id: user.uid, role, status: 'active', email: user.email });
      }
    }
    await batch.commit();
  }
}

async function seedTenant(
  services: Services,
  tenant: DemoTenant,
  context: { now: Date; seed: number; warnings: string[] },
): Promise<SeededTenant> {
  const summary = { id: tenant.id, name: tenant.name, template: null, records: 0 };
  if (tenant.templateSlug === null) return summary;
  const owner = callerFor(tenant, 'owner');
  if (!owner) throw new Error(`The demo has no owner for ${tenant.id}.`);
  let config: TenantConfig;
  try {
    config = await services.config.selectTemplate(owner, tenant.templateSlug);
  } catch (error) {
    context.warnings.push(`${tenant.name} was left without a template: ${error instanceof Error ? error.message : String(error)}`);
    return summary;
  }

  const random = new DemoRandom(context.seed);
  const created = new Map<string, CreatedRecord[]>();
  const used = new Map<string, Set<string>>();
  const modules = orderModulesForSeeding(
    config.modules.flatMap((module) => {
      const resolved = resolveModule(config, module.slug);
      return resolved ? [{ slug: module.slug, fields: resolved.activeFields, displayField: resolved.displayField }] : [];
    }),
  );
  let records = 0;
  let failures = 0;
  for (const module of modules) {
    const creators = creatorsFor(tenant, config, module.slug);
    const list: CreatedRecord[] = [];
    created.set(module.slug, list);
    const count = RECORDS_PER_MODULE[module.slug] ?? DEFAULT_RECORDS_PER_MODULE;
    for (let index = 0; index < count; index += 1) {
      const data = generateRecordData({ random, now: context.now, created, used }, module, index);
      try {
        const view = await services.records.create(random.pickWeighted(creators), module.slug, data);
        list.push({ id: view.id, display: view.display, data: view.data });
        records += 1;
      } catch (error) {
        failures += 1;
        if (failures <= 3) {
          context.warnings.push(`${tenant.name}: a demo ${module.slug} record was refused: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  }
  if (failures > 3) context.warnings.push(`${tenant.name}: ${failures - 3} more demo records were refused.`);
  return { ...summary, template: `${config.template?.slug ?? tenant.templateSlug}@${config.template?.version ?? '?'}`, records };
}

function callerFor(tenant: DemoTenant, role: TenantRole): Caller | null {
  const user = DEMO_USERS.find((candidate) => candidate.memberships.some((m) => m.tenantId === tenant.id && m.role === role));
  return user ? { uid: user.uid, email: user.email, tenantId: tenant.id, tenantName: tenant.name, role, platformRole: null } : null;
}

/** Owner first (most records), then admin, then member, each only where the matrix lets them create. */
function creatorsFor(tenant: DemoTenant, config: TenantConfig, module: string): Caller[] {
  const callers = (['owner', 'admin', 'member'] as const)
    .map((role) => callerFor(tenant, role))
    .filter((caller): caller is Caller => caller !== null)
    .filter((caller) => resolveAccessScope({ actor: caller, matrix: config.permissions, module, action: 'create' }) !== 'none');
  const owner = callerFor(tenant, 'owner');
  return callers.length > 0 ? callers : owner ? [owner] : [];
}

function parseSeededTenants(value: StoreValue | undefined): SeededTenant[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || entry instanceof Date) return [];
    return [{
      id: String(entry.id),
      name: String(entry.name),
      template: typeof entry.template === 'string' ? entry.template : null,
      records: Number(entry.records ?? 0),
    }];
  });
}
