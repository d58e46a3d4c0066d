import { recordAudit } from '../audit/record-audit.js';
import { fieldAccessFor } from '../access/field-security.js';
import { canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import { relationshipOptions } from '../../engine/fields/field-definition.js';
import { resolveLabel } from '../../engine/template/localized-text.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { resolveModule, type ResolvedModule, type TenantConfig } from '../config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { membershipPath } from '../identity/os-firestore-identity.js';
import { moduleNotFound, requireScope } from '../records/records-service.js';
import { tenantFiles } from '../files/file-store.js';
import { IMPORT_JOB_KIND, REVERT_JOB_KIND } from './import-kinds.js';
import { importPaths } from './import-paths.js';
import { ImportOptionsSchema, MATCH_BY_NUMBER, type ImportJobParams, type ImportOptions, type RevertJobParams } from './import-params.js';
import { MAX_PREVIEW_ROWS, previewImport, type PreviewResult } from './preview-import.js';
import { TableFormatError, type SourceFormat } from './read-table.js';
import { suggestMapping, normalizeHeader } from './suggest-mapping.js';
import { errorFilePath } from './write-error-file.js';

/** Upload size cap: 100 MiB holds ~1,000,000 typical CRM rows of CSV. */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

const CONTENT_TYPES: Record<SourceFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface ImportField {
  readonly key: string;
  readonly label: string;
  readonly type: string;
  readonly required: boolean;
  readonly unique: boolean;
  readonly importKey: boolean;
  readonly relatedModule: string | null;
}

interface UploadDoc {
  module: string;
  fileName: string;
  format: SourceFormat;
  path: string;
  createdBy: string;
  createdAt: Date;
  jobId: string | null;
}

/**
 * The importer's side of imports: an upload slot in the file store, a
 * preview validated like the job validates, the job's start (with every
 * right checked here, on the server), revert and the error file's link.
 * The rows themselves are written by the job (import-slice.ts).
 */
export class ImportService {
  constructor(private readonly services: Services) {}

  async startUpload(caller: Caller, input: { module: string; fileName: string; size: number }): Promise<{ uploadId: string; url: string; method: 'PUT'; headers: Record<string, string>; maxBytes: number }> {
    const { module } = await this.moduleFor(caller, input.module);
    requireScope(caller, (await this.services.configs.require(caller.tenantId)), module, 'create');
    const format = formatOf(input.fileName);
    if (input.size > MAX_IMPORT_BYTES) {
      throw invalidInput([{ path: 'size', message: `files up to ${MAX_IMPORT_BYTES / 1024 / 1024} MiB can be imported`, messageKey: 'imports.errors.tooLarge', params: { max: MAX_IMPORT_BYTES / 1024 / 1024 } }]);
    }
    const uploadId = this.services.store.newId();
    const fileName = input.fileName;
    const path = tenantFiles.importSource(caller.tenantId, uploadId, fileName);
    const upload: UploadDoc = { module: module.slug, fileName, format, path, createdBy: caller.uid, createdAt: new Date(), jobId: null };
    await this.services.store.set(importPaths.upload(caller.tenantId, uploadId), { ...upload });
    const target = await this.services.files.uploadUrl(path, { contentType: CONTENT_TYPES[format], maxBytes: MAX_IMPORT_BYTES, expiresInSeconds: 900 });
    return { uploadId, ...target, maxBytes: MAX_IMPORT_BYTES };
  }

  async preview(
    caller: Caller,
    input: { uploadId: string; options?: ImportOptions | undefined; rows?: number | undefined; language: 'en' | 'es' },
  ): Promise<PreviewResult & { suggested: ImportOptions['mapping']; saved: Partial<ImportOptions> | null; fields: ImportField[]; matchKeys: string[] }> {
    const upload = await this.uploadFor(caller, input.uploadId);
    const { config, module } = await this.moduleFor(caller, upload.module);
    requireScope(caller, config, module, 'create');
    if (input.options) this.checkOptions(caller, config, module, input.options);
    const result = await this.readingFile(() =>
      this.services.files.read(upload.path).then((stream) =>
        previewImport({
          store: this.services.store,
          tenantId: caller.tenantId,
          config,
          module,
          input: stream,
          format: upload.format,
          options: input.options ?? null,
          language: input.language,
          limit: Math.min(input.rows ?? 20, MAX_PREVIEW_ROWS),
        }),
      ),
    );
    const saved = await this.savedOptions(caller, module.slug, result.header);
    return {
      ...result,
      suggested: suggestMapping(result.header, module.fields),
      saved,
      fields: importFields(module, input.language),
      matchKeys: matchKeysOf(module),
    };
  }

  async start(caller: Caller, input: { uploadId: string; options: ImportOptions; language: 'en' | 'es' }): Promise<{ jobId: string }> {
    const upload = await this.uploadFor(caller, input.uploadId);
    const { config, module } = await this.moduleFor(caller, upload.module);
    const options = ImportOptionsSchema.parse(input.options);
    requireScope(caller, config, module, 'create');
    if (options.mode !== 'create') requireScope(caller, config, module, 'update');
    this.checkOptions(caller, config, module, options);
    if (options.ownerId && options.ownerId !== caller.uid) await this.checkOwner(caller, options.ownerId);
    if (!(await this.services.files.stat(upload.path))) {
      throw new CrmError(CRM_ERROR_CODES.precondition, 'The file was not uploaded (or the upload expired); upload it again.', [], { messageKey: 'imports.errors.notUploaded' });
    }
    const uploadPath = importPaths.upload(caller.tenantId, input.uploadId);
    // One job per upload: the upload is claimed in a transaction, so a double click starts one import.
    await this.services.store.runTransaction(async (tx) => {
      const doc = await tx.get(uploadPath);
      if (doc?.data.jobId) {
        throw new CrmError(CRM_ERROR_CODES.alreadyExists, 'This file is already being imported.', [], { messageKey: 'imports.errors.alreadyStarted' });
      }
      tx.update(uploadPath, { jobId: input.uploadId });
    });
    const params: ImportJobParams = {
      ...options,
      uploadId: input.uploadId,
      module: module.slug,
      fileName: upload.fileName,
      format: upload.format,
      sourcePath: upload.path,
      language: input.language,
      actor: { uid: caller.uid, role: caller.role, platformRole: caller.platformRole },
    };
    const header = await this.readingFile(async () => (await previewImport({ store: this.services.store, tenantId: caller.tenantId, config, module, input: await this.services.files.read(upload.path), format: upload.format, options: null, language: input.language, limit: 0 })).header);
    await this.services.store.set(importPaths.mapping(caller.tenantId, module.slug, caller.uid), {
      columns: options.mapping.map((entry) => ({ header: normalizeHeader(header[entry.column] ?? ''), field: entry.field })),
      mode: options.mode,
      matchKey: options.matchKey,
      relationResolution: options.relationResolution,
      runWorkflows: options.runWorkflows,
      updatedAt: new Date(),
    });
    const job = await this.services.jobs.start({
      tenantId: caller.tenantId,
      kind: IMPORT_JOB_KIND,
      module: module.slug,
      createdBy: caller.uid,
      params: params as unknown as Record<string, unknown>,
      jobId: input.uploadId,
      onCreate: (tx) =>
        recordAudit(tx, {
          kind: 'import',
          action: 'import.started',
          caller,
          target: { module: module.slug, id: input.uploadId, label: upload.fileName },
          before: null,
          after: { file: upload.fileName, mode: options.mode, matchKey: options.matchKey ?? null, fields: options.mapping.map((entry) => entry.field), runWorkflows: options.runWorkflows },
          at: new Date(),
        }),
    });
    return { jobId: job.id };
  }

  /** Starts the revert of a finished import; the importer or an admin, with `create` still granted on the module. */
  async revert(caller: Caller, input: { jobId: string }): Promise<{ jobId: string }> {
    const job = await this.services.jobs.get(caller.tenantId, input.jobId);
    if (!job || job.kind !== IMPORT_JOB_KIND || (job.createdBy !== caller.uid && !canManageConfiguration(caller))) throw importNotFound();
    const { config, module } = await this.moduleFor(caller, String(job.module));
    requireScope(caller, config, module, 'create');
    if (job.status === 'queued' || job.status === 'running') {
      throw new CrmError(CRM_ERROR_CODES.precondition, 'The import is still running; cancel it or wait for it to finish before reverting.', [], { messageKey: 'imports.errors.stillRunning' });
    }
    const revertId = `${input.jobId}-revert`;
    if (await this.services.jobs.get(caller.tenantId, revertId)) {
      throw new CrmError(CRM_ERROR_CODES.alreadyExists, 'This import was already reverted.', [], { messageKey: 'imports.errors.alreadyReverted' });
    }
    const counts = job.progress.counts;
    const params: RevertJobParams = {
      importJobId: input.jobId,
      module: module.slug,
      total: (counts.created ?? 0) + (counts.updated ?? 0),
      actor: { uid: caller.uid, role: caller.role, platformRole: caller.platformRole },
    };
    const started = await this.services.jobs.start({
      tenantId: caller.tenantId,
      kind: REVERT_JOB_KIND,
      module: module.slug,
      createdBy: caller.uid,
      params: params as unknown as Record<string, unknown>,
      jobId: revertId,
      onCreate: (tx) => recordAudit(tx, { kind: 'import', action: 'import.reverted', caller, target: { module: module.slug, id: input.jobId }, before: null, after: { revertJob: revertId }, at: new Date() }),
    });
    return { jobId: started.id };
  }

  /** The error file holds the file's raw rows: the importer and admins only. */
  async errorFileUrl(caller: Caller, input: { jobId: string }): Promise<{ url: string; fileName: string }> {
    const job = await this.services.jobs.get(caller.tenantId, input.jobId);
    if (!job || job.kind !== IMPORT_JOB_KIND || (job.createdBy !== caller.uid && !canManageConfiguration(caller))) throw importNotFound();
    const path = errorFilePath(caller.tenantId, input.jobId);
    if (typeof job.result?.errorFile !== 'string' || !(await this.services.files.stat(path))) {
      throw new CrmError(CRM_ERROR_CODES.notFound, 'This import has no error file.', [], { messageKey: 'imports.errors.noErrorFile' });
    }
    const base = String((job.params as { fileName?: unknown }).fileName ?? 'import').replace(/\.(csv|xlsx)$/i, '');
    const fileName = `${base}-errors.csv`;
    return { url: await this.services.files.downloadUrl(path, { fileName, expiresInSeconds: 600 }), fileName };
  }

  private checkOptions(caller: Caller, config: TenantConfig, module: ResolvedModule, options: ImportOptions): void {
    const issues: Array<{ path: string; message: string; messageKey: string; params?: Record<string, string> }> = [];
    const fields = new Map(module.fields.map((field) => [field.key, field]));
    const seenFields = new Set<string>();
    const seenColumns = new Set<number>();
    options.mapping.forEach((entry, index) => {
      const field = fields.get(entry.field);
      if (entry.field !== MATCH_BY_NUMBER && (!field || !field.active)) {
        issues.push({ path: `options.mapping.${index}.field`, message: `"${entry.field}" is not an active field of this module`, messageKey: 'imports.errors.unknownField', params: { field: entry.field } });
      }
      if (seenFields.has(entry.field)) issues.push({ path: `options.mapping.${index}.field`, message: `"${entry.field}" is mapped twice`, messageKey: 'imports.errors.fieldTwice', params: { field: entry.field } });
      if (seenColumns.has(entry.column)) issues.push({ path: `options.mapping.${index}.column`, message: 'a column is mapped twice', messageKey: 'imports.errors.columnTwice' });
      seenFields.add(entry.field);
      seenColumns.add(entry.column);
    });
    if (options.mode !== 'create') {
      const key = options.matchKey;
      if (!key || !matchKeysOf(module).includes(key)) {
        issues.push({ path: 'options.matchKey', message: 'choose the record number, a unique field or an import key to match records', messageKey: 'imports.errors.matchKey' });
      } else if (!options.mapping.some((entry) => entry.field === key)) {
        issues.push({ path: 'options.matchKey', message: 'the match key must be mapped to a column', messageKey: 'imports.errors.matchKeyUnmapped' });
      }
    } else if (options.mapping.some((entry) => entry.field === MATCH_BY_NUMBER)) {
      issues.push({ path: 'options.mapping', message: 'record numbers are assigned on create; map the number column only to update', messageKey: 'imports.errors.numberOnCreate' });
    }
    for (const entry of options.mapping) {
      const target = fields.get(entry.field);
      const related = target ? relationshipOptions(target)?.related_module : undefined;
      if (related && !resolveModule(config, related)) issues.push({ path: 'options.mapping', message: `"${entry.field}" points at a module that no longer exists`, messageKey: 'imports.errors.unknownField', params: { field: entry.field } });
    }
    // Field-level security: an import writes only fields the importer may edit, and matches only on a field they may read.
    const access = fieldAccessFor(caller, config);
    if (!access.unrestricted) {
      options.mapping.forEach((entry, index) => {
        if (entry.field === MATCH_BY_NUMBER || access.level(module.slug, entry.field) === 'edit') return;
        const isKey = options.mode !== 'create' && options.matchKey === entry.field;
        if (isKey && access.canRead(module.slug, entry.field)) return;
        issues.push({
          path: `options.mapping.${index}.field`,
          message: `your role may not ${access.canRead(module.slug, entry.field) ? 'change' : 'set'} "${entry.field}"`,
          messageKey: access.canRead(module.slug, entry.field) ? 'access.errors.fieldReadOnly' : 'access.errors.fieldHidden',
          params: { field: entry.field },
        });
      });
    }
    if (options.ownerId && options.ownerId !== caller.uid && !canManageConfiguration(caller)) {
      issues.push({ path: 'options.ownerId', message: 'only admins may import records for another owner', messageKey: 'imports.errors.ownerNotAllowed' });
    }
    if (issues.length > 0) throw invalidInput(issues);
  }

  private async checkOwner(caller: Caller, ownerId: string): Promise<void> {
    const membership = await this.services.store.get(membershipPath(caller.tenantId, ownerId));
    if (!membership || membership.data.status === 'removed' || membership.data.status === 'disabled') {
      throw invalidInput([{ path: 'options.ownerId', message: 'the owner must be a member of this tenant', messageKey: 'imports.errors.ownerNotMember' }]);
    }
  }

  private async savedOptions(caller: Caller, module: string, header: readonly string[]): Promise<Partial<ImportOptions> | null> {
    const doc = await this.services.store.get(importPaths.mapping(caller.tenantId, module, caller.uid));
    if (!doc) return null;
    const columns = Array.isArray(doc.data.columns) ? (doc.data.columns as Array<{ header?: unknown; field?: unknown }>) : [];
    const normalized = header.map(normalizeHeader);
    const mapping = columns.flatMap((entry) => {
      const column = normalized.indexOf(String(entry.header ?? ''));
      return column >= 0 && typeof entry.field === 'string' ? [{ column, field: entry.field }] : [];
    });
    const parsed = ImportOptionsSchema.partial().safeParse({
      mapping: mapping.length > 0 ? mapping : undefined,
      mode: doc.data.mode,
      matchKey: doc.data.matchKey,
      relationResolution: doc.data.relationResolution,
      runWorkflows: doc.data.runWorkflows,
    });
    return parsed.success ? parsed.data : null;
  }

  private async uploadFor(caller: Caller, uploadId: string): Promise<UploadDoc> {
    const doc = await this.services.store.get(importPaths.upload(caller.tenantId, uploadId));
    // Someone else's upload answers like a missing one: uploads hold raw data.
    if (!doc || doc.data.createdBy !== caller.uid) {
      throw new CrmError(CRM_ERROR_CODES.notFound, 'This upload does not exist or has expired; upload the file again.', [], { messageKey: 'imports.errors.uploadNotFound' });
    }
    return doc.data as unknown as UploadDoc;
  }

  private async moduleFor(caller: Caller, slug: string): Promise<{ config: TenantConfig; module: ResolvedModule }> {
    const config = await this.services.configs.require(caller.tenantId);
    const module = resolveModule(config, slug);
    if (!module) throw moduleNotFound(slug);
    return { config, module };
  }

  private async readingFile<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof TableFormatError) {
        throw invalidInput([{ path: 'file', message: error.message, messageKey: `imports.errors.${error.reason}` }], error.message, { messageKey: `imports.errors.${error.reason}` });
      }
      if ((error as { name?: unknown }).name === 'FileNotFoundError') {
        throw new CrmError(CRM_ERROR_CODES.precondition, 'The file was not uploaded (or the upload expired); upload it again.', [], { messageKey: 'imports.errors.notUploaded' });
      }
      throw error;
    }
  }
}

export function importNotFound(): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, 'This import does not exist or is not yours.', [], { messageKey: 'imports.errors.notFound' });
}

export function formatOf(fileName: string): SourceFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt') || lower.endsWith('.tsv')) return 'csv';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  throw invalidInput([{ path: 'fileName', message: 'import a .csv or .xlsx file', messageKey: 'imports.errors.fileType' }]);
}

/** Record number, unique fields and fields an admin marked as import keys. */
export function matchKeysOf(module: ResolvedModule): string[] {
  return [MATCH_BY_NUMBER, ...module.activeFields.filter((field) => field.unique || field.import_key === true).map((field) => field.key)];
}

export function importFields(module: ResolvedModule, language: string): ImportField[] {
  return module.activeFields
    .filter((field) => field.type !== 'file')
    .map((field) => ({
      key: field.key,
      label: resolveLabel(field.label, language) || field.key,
      type: field.type,
      required: field.required,
      unique: field.unique,
      importKey: field.import_key === true,
      relatedModule: relationshipOptions(field)?.related_module ?? null,
    }));
}
