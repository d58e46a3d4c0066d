import { LRUCache } from 'lru-cache';
import type { DocumentStore } from '../../store/document-store.js';
import { CACHE_BUDGET_BYTES, estimateHeapBytes } from '../caching/cache-budgets.js';
import { validateTemplate, type Template } from '../../engine/template/template-schema.js';
import { crmPaths } from '../paths.js';

/** The summary document `crm_templates/{slug}`; versions live below it, immutable. */
export interface TemplateSummary {
  readonly slug: string;
  readonly name: string;
  readonly industryType: string;
  readonly description: string;
  readonly iconUrl: string | null;
  readonly latestVersion: string;
  readonly isActive: boolean;
  readonly isSystem: boolean;
}

/**
 * Templates as the services see them. Published versions never change, so a
 * version once read is cached for the life of the instance.
 */
export class TemplateCatalog {
  // Bounded too: a console that publishes many versions must not grow it for ever.
  private readonly versions = new LRUCache<string, Template>({ maxSize: CACHE_BUDGET_BYTES.templateVersions, sizeCalculation: (template) => estimateHeapBytes(template) });

  constructor(private readonly store: DocumentStore) {}

  async listActive(): Promise<TemplateSummary[]> {
    const docs = await this.store.query({
      collection: crmPaths.templates,
      where: [{ field: 'isActive', op: '==', value: true }],
    });
    return docs.map((doc) => doc.data as unknown as TemplateSummary).sort((a, b) => templateOrder(a) - templateOrder(b));
  }

  async getSummary(slug: string): Promise<TemplateSummary | null> {
    const doc = await this.store.get(crmPaths.template(slug));
    return doc ? (doc.data as unknown as TemplateSummary) : null;
  }

  async getVersion(slug: string, version: string): Promise<Template | null> {
    const key = `${slug}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const doc = await this.store.get(crmPaths.templateVersion(slug, version));
    if (!doc) return null;
    const result = validateTemplate(JSON.parse(String(doc.data.json)));
    if (!result.ok) throw new Error(`Stored template ${key} no longer validates: ${result.errors[0]?.message}`);
    this.versions.set(key, result.template);
    return result.template;
  }
}

const PREFERRED_ORDER = ['hospital', 'real-estate', 'jewellery', 'corporate', 'blank'];

function templateOrder(summary: TemplateSummary): number {
  const index = PREFERRED_ORDER.indexOf(summary.slug);
  return index === -1 ? PREFERRED_ORDER.length : index;
}
