import type { DocumentStore } from '../../store/document-store.js';
import type { Template } from '../../engine/template/template-schema.js';
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
      if (latest === null || compareSemver(template.version, latest) > 0) {
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

/** Semver precedence for x.y.z[-prerelease]; build metadata is not used by templates. */
export function compareSemver(a: string, b: string): number {
  const [coreA = '', preA] = a.split('-', 2);
  const [coreB = '', preB] = b.split('-', 2);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const diff = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}
