import type { DocumentStore } from '../../store/document-store.js';
import { compareVersions, type Template } from '../../engine/template/template-schema.js';
import { crmPaths } from '../paths.js';

export interface SeedOutcome {
  readonly slug: string;
  readonly version: string;
  readonly outcome: 'created' | 'unchanged';
}

/**
 * Publishes validated templates into `crm_templates`, idempotently: a version
 * that exists with the same content is left alone; one that exists with other
 * content is refused, because published versions are immutable (publish a new
 * version instead).
 */
export async function seedTemplates(store: DocumentStore, templates: readonly Template[]): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = [];
  for (const template of templates) {
    const json = JSON.stringify(template);
    const outcome = await store.runTransaction(async (tx) => {
      const [summary, version] = await tx.getAll([
        crmPaths.template(template.slug),
        crmPaths.templateVersion(template.slug, template.version),
      ]);
      if (version) {
        if (version.data.json !== json) {
          throw new Error(
            `Template ${template.slug}@${template.version} is already published with other content; bump its version.`,
          );
        }
        return 'unchanged' as const;
      }
      tx.create(crmPaths.templateVersion(template.slug, template.version), {
        slug: template.slug,
        version: template.version,
        json,
        publishedAt: new Date(),
      });
      const latest = summary ? String(summary.data.latestVersion) : null;
      if (latest === null || compareVersions(template.version, latest) > 0) {
        tx.set(crmPaths.template(template.slug), {
          slug: template.slug,
          name: typeof template.name === 'string' ? template.name : String(template.name),
          industryType: template.industry_type,
          description: template.description ?? '',
          iconUrl: template.icon_url ?? null,
          latestVersion: template.version,
          isActive: template.is_active,
          isSystem: template.is_system,
        });
      }
      return 'created' as const;
    });
    outcomes.push({ slug: template.slug, version: template.version, outcome });
  }
  return outcomes;
}
