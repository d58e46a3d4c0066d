/**
 * Paths the template lifecycle adds to `services/paths.ts`'s layout.
 *
 * Drafts live in their own top-level collection, not under a template, because
 * a draft of a brand-new template has no `crm_templates/{slug}` yet, and a
 * draft's slug may still change while it is edited. Migration jobs live under
 * their tenant like all tenant data; the console finds running jobs across
 * tenants with a collection-group query on `migrations.status` (a
 * COLLECTION_GROUP single-field index in firestore.indexes.json).
 */
export const lifecyclePaths = {
  drafts: 'crm_template_drafts',
  draft: (draftId: string) => `crm_template_drafts/${draftId}`,
  migrations: (tenantId: string) => `crm_tenants/${tenantId}/migrations`,
  migration: (tenantId: string, jobId: string) => `crm_tenants/${tenantId}/migrations/${jobId}`,
} as const;

export const MIGRATIONS_COLLECTION_ID = 'migrations';

const MIGRATION_PATH = /^crm_tenants\/([^/]+)\/migrations\/([^/]+)$/;

export function parseMigrationPath(path: string): { tenantId: string; jobId: string } | null {
  const match = MIGRATION_PATH.exec(path);
  return match ? { tenantId: match[1] ?? '', jobId: match[2] ?? '' } : null;
}
