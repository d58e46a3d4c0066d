/**
 * Brings tenants configured before index slots up to date: indexes the fields
 * their dashboards sum or average and rewrites records whose index fields are
 * from an older layout (ConfigService.reindexTenant). Idempotent and
 * resumable (each tenant gets a reindex job with a cursor; progress in the
 * template console). Runs against the store this process is configured for
 * (Firestore by default, `CRM_STORE=memory` for the embedded one):
 *
 *   npx tsx scripts/reindex-tenants.ts [tenantId...]
 */
import { getInstanceServices } from '../src/wiring/instance-services.js';
import { crmPaths } from '../src/services/paths.js';
import { templateLifecycleFor } from '../src/services/template-lifecycle/template-lifecycle.js';
import { InlineMigrationDriver } from '../src/services/template-lifecycle/migration-driver.js';

const services = await getInstanceServices();
const tenants = process.argv.length > 2 ? process.argv.slice(2) : await services.store.listDocumentIds('crm_tenants');
let failed = 0;
for (const tenantId of tenants) {
  const config = await services.store.get(crmPaths.tenant(tenantId));
  if (!config || config.data.template === null) continue;
  try {
    const { jobId } = await services.config.reindexTenant(tenantId, 'ops:reindex-tenants');
    console.log(`${tenantId}: reindex job ${jobId} started`);
  } catch (error) {
    failed += 1;
    console.error(`${tenantId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
const { driver } = templateLifecycleFor(services);
// In-process jobs (this script's default outside Cloud Functions) finish before it exits.
if (driver instanceof InlineMigrationDriver) await driver.whenIdle();
process.exitCode = failed > 0 ? 1 : 0;
