import type { DocumentStore } from '../../store/document-store.js';
import { compareVersions } from '../../engine/template/template-schema.js';
import { crmPaths } from '../paths.js';

/** A published version as the console and the upgrade screen list it (without its JSON). */
export interface VersionInfo {
  readonly version: string;
  readonly changeNote: string;
  readonly publishedAt: string | null;
  readonly publishedBy: string | null;
}

/** Every published version of a template, oldest first (semver order, not publication order). */
export async function listVersions(store: DocumentStore, slug: string): Promise<VersionInfo[]> {
  const docs = await store.query({ collection: crmPaths.templateVersions(slug) });
  return docs
    .map((doc) => ({
      version: typeof doc.data.version === 'string' ? doc.data.version : doc.id,
      changeNote: typeof doc.data.changeNote === 'string' ? doc.data.changeNote : '',
      publishedAt: doc.data.publishedAt instanceof Date ? doc.data.publishedAt.toISOString() : null,
      publishedBy: typeof doc.data.publishedBy === 'string' ? doc.data.publishedBy : null,
    }))
    .sort((a, b) => compareVersions(a.version, b.version));
}
