/**
 * Publishes every template in templates/ into `crm_templates` of the store
 * this process is configured for (Firestore by default; `CRM_STORE=memory`
 * for the embedded one). Idempotent: run it on every deploy.
 */
import { fileURLToPath } from 'node:url';
import { getInstanceServices } from '../src/wiring/instance-services.js';
import { loadTemplateFiles } from '../src/services/templates/load-template-files.js';
import { seedTemplates } from '../src/services/templates/seed-templates.js';

const directory = process.argv[2] ?? fileURLToPath(new URL('../../templates', import.meta.url));
const { store } = await getInstanceServices();
for (const outcome of await seedTemplates(store, await loadTemplateFiles(directory))) {
  console.log(`${outcome.outcome === 'created' ? 'published' : 'unchanged'}  ${outcome.slug}@${outcome.version}`);
}
