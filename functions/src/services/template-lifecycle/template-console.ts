import type { DocumentStore, StoredDocument } from '../../store/document-store.js';
import { validateTemplate, compareVersions, type Template, type TemplateError } from '../../engine/template/template-schema.js';
import { diffTemplates } from '../../engine/template-lifecycle/diff-templates.js';
import type { UpgradeChange } from '../../engine/template-lifecycle/merge-upgrade.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import type { TemplateCatalog, TemplateSummary } from '../templates/template-catalog.js';
import { lifecyclePaths, MIGRATIONS_COLLECTION_ID, parseMigrationPath } from './lifecycle-paths.js';
import { parseMigrationJob, toMigrationJobView, type MigrationJobView } from './migration-job.js';
import { listVersions, type VersionInfo } from './template-versions.js';

export interface ConsoleDeps {
  readonly store: DocumentStore;
  readonly catalog: TemplateCatalog;
  readonly now?: () => Date;
}

export interface TemplateUsage {
  readonly tenants: number;
  readonly byVersion: Record<string, number>;
}

export interface ConsoleTemplateRow {
  readonly summary: TemplateSummary;
  readonly versions: Array<VersionInfo & { readonly tenants: number }>;
  readonly tenants: number;
  readonly drafts: DraftInfo[];
}

export interface DraftInfo {
  readonly draftId: string;
  readonly slug: string | null;
  readonly name: string | null;
  readonly version: string | null;
  readonly valid: boolean;
  readonly errorCount: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface DraftView extends DraftInfo {
  /** The draft as last saved, valid or not: the JSON view edits exactly this. */
  readonly template: unknown;
  readonly errors: TemplateError[];
  /** Against the latest published version of the same slug, when the draft validates. */
  readonly changes: UpgradeChange[];
  readonly baseVersion: string | null;
}

/** Drafts hold up to ~1 MiB of JSON in one document field; a template is far smaller. */
const MAX_DRAFT_JSON = 900_000;

/**
 * The super-admin template console: templates with versions and usage,
 * drafts that may be invalid while edited (the validator's errors come back
 * at their JSON paths; saving never fails on them), publishing a valid draft
 * as a new immutable version, cloning, deactivating, deleting non-system
 * templates nobody uses. Access is checked by the callables
 * (`requirePlatformStaff`); this class trusts its caller's uid.
 */
export class TemplateConsole {
  constructor(private readonly deps: ConsoleDeps) {}

  async listTemplates(): Promise<ConsoleTemplateRow[]> {
    const { store } = this.deps;
    const [summaries, drafts] = await Promise.all([
      store.query({ collection: crmPaths.templates }),
      store.query({ collection: lifecyclePaths.drafts }),
    ]);
    const draftInfos = drafts.map(toDraftInfo);
    return Promise.all(
      summaries.map(async (doc) => {
        const summary = doc.data as unknown as TemplateSummary;
        const [versions, usage] = await Promise.all([listVersions(store, summary.slug), this.usage(summary.slug)]);
        return {
          summary,
          versions: versions.map((version) => ({ ...version, tenants: usage.byVersion[version.version] ?? 0 })),
          tenants: usage.tenants,
          drafts: draftInfos.filter((draft) => draft.slug === summary.slug),
        };
      }),
    ).then((rows) => {
      // Drafts of templates never published yet are listed on their own.
      const known = new Set(rows.map((row) => row.summary.slug));
      const orphans = draftInfos.filter((draft) => draft.slug === null || !known.has(draft.slug));
      return orphans.length === 0 ? rows : [...rows, ...groupOrphans(orphans)];
    });
  }

  async getTemplate(slug: string, version?: string): Promise<{ summary: TemplateSummary; template: Template; versions: VersionInfo[]; usage: TemplateUsage }> {
    const summary = await this.deps.catalog.getSummary(slug);
    if (!summary) throw new CrmError(CRM_ERROR_CODES.notFound, `There is no template "${slug}".`);
    const wanted = version ?? summary.latestVersion;
    const [template, versions, usage] = await Promise.all([
      this.deps.catalog.getVersion(slug, wanted),
      listVersions(this.deps.store, slug),
      this.usage(slug),
    ]);
    if (!template) throw new CrmError(CRM_ERROR_CODES.notFound, `Template "${slug}" has no version ${wanted}.`);
    return { summary, template, versions, usage };
  }

  /**
   * Tenants per template and version: `count()` aggregations over
   * `crm_tenants` with equality filters only, which Firestore serves from its
   * automatic single-field indexes (no composite index, one read per 1000).
   */
  async usage(slug: string): Promise<TemplateUsage> {
    const { store } = this.deps;
    const versions = await listVersions(store, slug);
    const count = async (where: Array<{ field: string; value: string }>): Promise<number> =>
      (await store.aggregate(
        { collection: 'crm_tenants', where: where.map((filter) => ({ field: filter.field, op: '==' as const, value: filter.value })) },
        { n: { op: 'count' } },
      )).n ?? 0;
    const [tenants, ...perVersion] = await Promise.all([
      count([{ field: 'template.slug', value: slug }]),
      ...versions.map((version) => count([{ field: 'template.slug', value: slug }, { field: 'template.version', value: version.version }])),
    ]);
    return { tenants: tenants ?? 0, byVersion: Object.fromEntries(versions.map((version, index) => [version.version, perVersion[index] ?? 0])) };
  }

  async getDraft(draftId: string): Promise<DraftView> {
    const doc = await this.deps.store.get(lifecyclePaths.draft(draftId));
    if (!doc) throw new CrmError(CRM_ERROR_CODES.notFound, 'There is no such draft.');
    return this.draftView(doc);
  }

  /**
   * Creates or replaces a draft. Invalid drafts are saved (work in progress);
   * the answer carries every validator error at its JSON path so the form
   * and the JSON view can show them where they are.
   */
  async saveDraft(uid: string, { draftId, template }: { draftId?: string | undefined; template: unknown }): Promise<DraftView> {
    const json = JSON.stringify(template ?? null);
    if (json.length > MAX_DRAFT_JSON) throw invalidInput([{ path: 'template', message: 'is too large' }]);
    const { store } = this.deps;
    const id = draftId ?? store.newId();
    const path = lifecyclePaths.draft(id);
    const result = validateTemplate(template);
    const record = describeDraft(template);
    const now = this.now();
    await store.runTransaction(async (tx) => {
      const existing = await tx.get(path);
      if (draftId && !existing) throw new CrmError(CRM_ERROR_CODES.notFound, 'There is no such draft.');
      tx.set(path, {
        json,
        slug: record.slug,
        name: record.name,
        version: record.version,
        valid: result.ok,
        errorCount: result.ok ? 0 : result.errors.length,
        createdAt: existing?.data.createdAt ?? now,
        createdBy: typeof existing?.data.createdBy === 'string' ? existing.data.createdBy : uid,
        updatedAt: now,
        updatedBy: uid,
      });
    });
    return this.getDraft(id);
  }

  /** Starts a draft of the next version of a published template (the latest unless `version` says otherwise). */
  async draftFromVersion(uid: string, { slug, version }: { slug: string; version?: string | undefined }): Promise<DraftView> {
    const { template } = await this.getTemplate(slug, version);
    return this.saveDraft(uid, { template: { ...template, version: bumpMinor(template.version) } });
  }

  /** Copies a published version into a draft of a new, non-system template. */
  async cloneTemplate(uid: string, { slug, version, newSlug, name }: { slug: string; version?: string | undefined; newSlug: string; name?: string | undefined }): Promise<DraftView> {
    if (await this.deps.catalog.getSummary(newSlug)) {
      throw new CrmError(CRM_ERROR_CODES.alreadyExists, `A template with the slug "${newSlug}" already exists.`, [{ path: 'newSlug', message: 'is already used' }]);
    }
    const { template } = await this.getTemplate(slug, version);
    // A clone starts its own history: no migrations from the original's past.
    const { migrations: _migrations, id: _id, ...rest } = template;
    return this.saveDraft(uid, {
      template: { ...rest, slug: newSlug, name: name ?? `${template.name} (copy)`, version: '1.0.0', is_system: false, is_active: true },
    });
  }

  async deleteDraft(draftId: string): Promise<void> {
    await this.deps.store.delete(lifecyclePaths.draft(draftId));
  }

  /**
   * Publishes a valid draft as a new immutable version with a change note.
   * The version must be greater than every published version of the slug;
   * publishing a new slug creates the template (never a system one: system
   * templates come from the repository's templates/ folder).
   */
  async publishDraft(uid: string, { draftId, changeNote }: { draftId: string; changeNote: string }): Promise<{ slug: string; version: string; changes: UpgradeChange[] }> {
    const { store } = this.deps;
    const draftDoc = await store.get(lifecyclePaths.draft(draftId));
    if (!draftDoc) throw new CrmError(CRM_ERROR_CODES.notFound, 'There is no such draft.');
    const result = validateTemplate(JSON.parse(String(draftDoc.data.json)));
    if (!result.ok) {
      throw invalidInput(result.errors.map((error) => ({ path: `template.${error.path}`, message: error.message })), `The draft has ${result.errors.length} error(s); fix them before publishing.`);
    }
    const candidate = result.template;
    const summary = await this.deps.catalog.getSummary(candidate.slug);
    const previous = summary ? await this.deps.catalog.getVersion(candidate.slug, summary.latestVersion) : null;
    const now = this.now();
    await store.runTransaction(async (tx) => {
      const [summaryDoc, versionDoc, draft] = await tx.getAll([
        crmPaths.template(candidate.slug),
        crmPaths.templateVersion(candidate.slug, candidate.version),
        lifecyclePaths.draft(draftId),
      ]);
      if (!draft || draft.data.json !== draftDoc.data.json) {
        throw new CrmError(CRM_ERROR_CODES.versionConflict, 'The draft changed while publishing. Review it and publish again.');
      }
      if (versionDoc) {
        throw new CrmError(CRM_ERROR_CODES.alreadyExists, `Version ${candidate.version} of "${candidate.slug}" is already published; published versions never change. Bump the version.`, [
          { path: 'template.version', message: 'is already published' },
        ]);
      }
      const latest = summaryDoc ? String(summaryDoc.data.latestVersion) : null;
      if (latest !== null && compareVersions(candidate.version, latest) <= 0) {
        throw new CrmError(CRM_ERROR_CODES.precondition, `The version must be greater than the latest published version ${latest}.`, [
          { path: 'template.version', message: `must be greater than ${latest}` },
        ]);
      }
      const isSystem = summaryDoc ? summaryDoc.data.isSystem === true : false;
      const isActive = summaryDoc ? summaryDoc.data.isActive === true : true;
      const template: Template = { ...candidate, is_system: isSystem, is_active: isActive };
      tx.create(crmPaths.templateVersion(candidate.slug, candidate.version), {
        slug: candidate.slug,
        version: candidate.version,
        json: JSON.stringify(template),
        publishedAt: now,
        publishedBy: uid,
        changeNote,
      });
      tx.set(crmPaths.template(candidate.slug), {
        slug: candidate.slug,
        name: candidate.name,
        industryType: candidate.industry_type,
        description: candidate.description ?? '',
        iconUrl: candidate.icon_url ?? null,
        latestVersion: candidate.version,
        isActive,
        isSystem,
        updatedAt: now,
      });
      tx.delete(lifecyclePaths.draft(draftId));
    });
    return { slug: candidate.slug, version: candidate.version, changes: previous ? diffTemplates(previous, candidate) : [] };
  }

  /** Inactive templates are not offered to new tenants; tenants on them keep working and keep their upgrades. */
  async setActive(slug: string, active: boolean): Promise<TemplateSummary> {
    const path = crmPaths.template(slug);
    return this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      if (!doc) throw new CrmError(CRM_ERROR_CODES.notFound, `There is no template "${slug}".`);
      tx.update(path, { isActive: active, updatedAt: this.now() });
      return { ...(doc.data as unknown as TemplateSummary), isActive: active };
    });
  }

  /** Only for templates that are not system templates and that no tenant uses; drafts of the slug go too. */
  async deleteTemplate(slug: string): Promise<void> {
    const { store } = this.deps;
    const summary = await this.deps.catalog.getSummary(slug);
    if (!summary) throw new CrmError(CRM_ERROR_CODES.notFound, `There is no template "${slug}".`);
    if (summary.isSystem) {
      throw new CrmError(CRM_ERROR_CODES.precondition, `"${summary.name}" is a system template and cannot be deleted. Deactivate it instead.`);
    }
    const usage = await this.usage(slug);
    if (usage.tenants > 0) {
      throw new CrmError(CRM_ERROR_CODES.precondition, `${usage.tenants} tenant(s) use "${summary.name}"; deactivate it instead.`);
    }
    const [versions, drafts] = await Promise.all([
      store.query({ collection: crmPaths.templateVersions(slug) }),
      store.query({ collection: lifecyclePaths.drafts, where: [{ field: 'slug', op: '==', value: slug }] }),
    ]);
    await store.runTransaction(async (tx) => {
      // Re-checked in the transaction: a tenant selecting it meanwhile wins.
      const current = await tx.get(crmPaths.template(slug));
      if (!current) return;
      for (const doc of [...versions, ...drafts]) tx.delete(doc.path);
      tx.delete(crmPaths.template(slug));
    });
  }

  /** One tenant's migrations (newest first), or every running migration across tenants. */
  async migrations({ tenantId }: { tenantId?: string | undefined }): Promise<MigrationJobView[]> {
    const { store } = this.deps;
    if (tenantId) {
      const docs = await store.query({
        collection: lifecyclePaths.migrations(tenantId),
        orderBy: [{ field: 'createdAt', direction: 'desc' }],
        limit: 20,
      });
      return docs.map((doc) => toMigrationJobView(doc.id, parseMigrationJob(doc.data)));
    }
    const docs = await store.query({
      collection: MIGRATIONS_COLLECTION_ID,
      collectionGroup: true,
      where: [{ field: 'status', op: '==', value: 'running' }],
      limit: 100,
    });
    return docs.flatMap((doc) => (parseMigrationPath(doc.path) ? [toMigrationJobView(doc.id, parseMigrationJob(doc.data))] : []));
  }

  private async draftView(doc: StoredDocument): Promise<DraftView> {
    const template: unknown = JSON.parse(String(doc.data.json));
    const result = validateTemplate(template);
    const info = toDraftInfo(doc);
    let changes: UpgradeChange[] = [];
    let baseVersion: string | null = null;
    if (result.ok) {
      const summary = await this.deps.catalog.getSummary(result.template.slug);
      const previous = summary ? await this.deps.catalog.getVersion(result.template.slug, summary.latestVersion) : null;
      if (previous) {
        baseVersion = previous.version;
        changes = diffTemplates(previous, result.template);
      }
    }
    return { ...info, template, errors: result.ok ? [] : result.errors, changes, baseVersion };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

function toDraftInfo(doc: StoredDocument): DraftInfo {
  const data = doc.data;
  return {
    draftId: doc.id,
    slug: typeof data.slug === 'string' ? data.slug : null,
    name: typeof data.name === 'string' ? data.name : null,
    version: typeof data.version === 'string' ? data.version : null,
    valid: data.valid === true,
    errorCount: typeof data.errorCount === 'number' ? data.errorCount : 0,
    updatedAt: data.updatedAt instanceof Date ? data.updatedAt.toISOString() : '',
    updatedBy: typeof data.updatedBy === 'string' ? data.updatedBy : '',
  };
}

function describeDraft(template: unknown): { slug: string | null; name: string | null; version: string | null } {
  const record = typeof template === 'object' && template !== null ? (template as Record<string, unknown>) : {};
  const text = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, 200) : null);
  return { slug: text(record.slug), name: text(record.name), version: text(record.version) };
}

function groupOrphans(drafts: DraftInfo[]): ConsoleTemplateRow[] {
  const bySlug = new Map<string, DraftInfo[]>();
  for (const draft of drafts) bySlug.set(draft.slug ?? '', [...(bySlug.get(draft.slug ?? '') ?? []), draft]);
  return [...bySlug.entries()].map(([slug, list]) => ({
    summary: {
      slug,
      name: list[0]?.name ?? '(unpublished draft)',
      industryType: '',
      description: '',
      iconUrl: null,
      latestVersion: '',
      isActive: false,
      isSystem: false,
    },
    versions: [],
    tenants: 0,
    drafts: list,
  }));
}

function bumpMinor(version: string): string {
  const [major = '1', minor = '0'] = version.split('-')[0]?.split('.') ?? [];
  return `${major}.${Number(minor) + 1}.0`;
}
