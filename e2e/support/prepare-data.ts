/**
 * Writes what the browser tests need into a data folder *before* the stack
 * starts on it: here the test plays the host OS (tenants, memberships, the
 * CRM app switched on), and the bulk records go through the CRM's own
 * services, so they are numbered, tokenised and validated like a user's.
 * The stack then opens the same persisted store (and seeds its demo beside it).
 */
import { mkdir } from 'node:fs/promises';
import { MemoryStore } from '../../functions/src/store/memory/memory-store.js';
import { loadIndexConfig } from '../../functions/src/store/memory/load-index-config.js';
import { storeFilePath, TEMPLATES_DIR } from '../../functions/src/runtime/runtime-constants.js';
import { createServices } from '../../functions/src/services/create-services.js';
import { CRM_APP_ID, membershipPath, OS_COLLECTIONS } from '../../functions/src/services/identity/os-firestore-identity.js';
import { loadTemplateFiles } from '../../functions/src/services/templates/load-template-files.js';
import { seedTemplates } from '../../functions/src/services/templates/seed-templates.js';
import type { Caller } from '../../functions/src/services/caller.js';
import { FieldDefinitionSchema } from '../../functions/src/engine/fields/field-definition.js';

/** Fixed uids of the stack's demo logins (functions/src/runtime/demo/demo-accounts.ts). */
export const DEMO_UIDS = { owner: 'demo-owner', admin: 'demo-admin', member: 'demo-member', newadmin: 'demo-newadmin' } as const;

/** Fresh tenants owned by newadmin@demo.crm, one per template the test picks (demo-fresh takes Hospital). */
export const FRESH_TENANTS = [
  { id: 'e2e-realestate', name: 'E2E Realty', template: 'real-estate' },
  { id: 'e2e-jewellery', name: 'E2E Jewellers', template: 'jewellery' },
  { id: 'e2e-corporate', name: 'E2E Corporate', template: 'corporate' },
  { id: 'e2e-blank', name: 'E2E Blank', template: 'blank' },
] as const;

export const BULK = { tenantId: 'e2e-bulk', tenantName: 'E2E Bulk Co.', module: 'bulk_items', count: 5_000, categories: ['alpha', 'beta', 'gamma', 'delta'] } as const;

export async function prepareData(dataDir: string): Promise<{ bulkMs: number }> {
  await mkdir(dataDir, { recursive: true });
  const store = new MemoryStore({ indexes: await loadIndexConfig(), filePath: storeFilePath(dataDir) });
  try {
    const services = createServices({ store });
    await seedTemplates(store, await loadTemplateFiles(TEMPLATES_DIR));

    const batch = store.batch();
    const tenants: Array<{ id: string; name: string; owner: string }> = [
      ...FRESH_TENANTS.map((tenant) => ({ id: tenant.id, name: tenant.name, owner: DEMO_UIDS.newadmin })),
      { id: BULK.tenantId, name: BULK.tenantName, owner: DEMO_UIDS.owner },
    ];
    for (const tenant of tenants) {
      batch.set(`${OS_COLLECTIONS.tenants}/${tenant.id}`, { name: tenant.name, status: 'active', created_at: new Date() });
      batch.set(`${OS_COLLECTIONS.tenantApps}/${tenant.id}_${CRM_APP_ID}`, { tenant_id: tenant.id, app_id: CRM_APP_ID, enabled: true });
      batch.set(membershipPath(tenant.id, tenant.owner), { tenant_id: tenant.id, user_id: tenant.owner, role: 'owner', status: 'active' });
    }
    await batch.commit();

    const owner: Caller = { uid: DEMO_UIDS.owner, email: 'owner@demo.crm', tenantId: BULK.tenantId, tenantName: BULK.tenantName, role: 'owner', platformRole: null };
    await services.config.selectTemplate(owner, 'blank');
    await services.config.createModule(owner, {
      slug: BULK.module,
      label: 'Bulk item',
      record_prefix: 'BLK',
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true },
        { key: 'category', label: 'Category', type: 'select', required: true, options: [...BULK.categories] },
        { key: 'amount', label: 'Amount', type: 'currency', required: false, options: { currency: 'EUR' } },
        { key: 'due_on', label: 'Due on', type: 'date', required: false },
      ].map((field) => FieldDefinitionSchema.parse(field)),
    });

    const started = Date.now();
    for (let index = 0; index < BULK.count; index += 1) {
      await services.records.create(owner, BULK.module, {
        name: `Item ${String(index + 1).padStart(4, '0')}`,
        category: BULK.categories[index % BULK.categories.length],
        amount: (index % 997) + 0.5,
        due_on: `2026-${String((index % 12) + 1).padStart(2, '0')}-${String((index % 28) + 1).padStart(2, '0')}`,
      });
    }
    const bulkMs = Date.now() - started;
    await store.flush();
    return { bulkMs };
  } finally {
    await store.close();
  }
}
