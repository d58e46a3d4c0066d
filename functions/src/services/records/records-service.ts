import { resolveLabel } from '../../engine/template/localized-text.js';
import { createHash } from 'node:crypto';
import type { DocumentStore, ReadOps, StoredDocument, Transaction } from '../../store/document-store.js';
import { compareVersions, type FieldDefinition } from '../../engine/template/template-schema.js';
import { validateRecordData } from '../../engine/fields/validate-record-data.js';
import { fileStorageFolder, isInFileFolder } from '../../engine/fields/file-storage-path.js';
import { canActOnRecord, resolveAccessScope, type RecordAction } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import { assertWritable, readScopeFor } from '../access/field-security.js';
import { CrmError, CRM_ERROR_CODES, invalidInput, type FieldIssue } from '../errors.js';
import { crmPaths } from '../paths.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type ResolvedModule, type TenantConfig } from '../config/tenant-config.js';
import { formatRecordNumber, type NumberAllocator } from './number-allocator.js';
import { normalizeFacetValue } from './record-tokens.js';
import { applyComputedFields } from './computed-fields.js';
import { fieldTypeModule } from '../../engine/fields/types/registry.js';
import { recordIndexFields, withRecordIndex } from './record-index.js';
import {
  asStoredRecord,
  displayValueOf,
  recordToWriteData,
  toRecordView,
  type RecordView,
  type RelatedRef,
  type StoredRecord,
} from './record-model.js';

/**
 * Extra reads and writes a caller needs committed atomically with a record
 * write (the REST API's idempotency keys): `check` runs first inside the
 * write's transaction and may throw to abort it; `commit` adds its writes to
 * the same transaction, given the record as it will be answered.
 */
export interface RecordWriteGuard {
  check(tx: Transaction): Promise<void>;
  commit(tx: Transaction, view: RecordView): void;
}

export interface RecordsDeps {
  readonly store: DocumentStore;
  readonly configs: ConfigStore;
  readonly numbers: NumberAllocator;
  readonly now?: () => Date;
}

/** Record CRUD: validation against the effective schema, permissions, numbering, uniqueness. */
export class RecordsService {
  constructor(private readonly deps: RecordsDeps) {}

  async create(caller: Caller, moduleSlug: string, input: Record<string, unknown>, guard?: RecordWriteGuard): Promise<RecordView> {
    const { config, module } = await this.moduleFor(caller, moduleSlug);
    requireScope(caller, config, module, 'create');
    assertNotPreview(caller);
    const scope = readScopeFor(caller, config);
    assertWritable(config, module.slug, input, scope.access, null);
    const validated = validateData(module, input, 'create', caller.tenantId);
    const refs = await resolveRelationships(this.deps.store, caller.tenantId, module, validated, Object.keys(validated));
    const seq = await this.deps.numbers.allocate(caller.tenantId, module.slug);
    const now = this.now();
    const id = this.deps.store.newId();
    const number = formatRecordNumber(module.prefix, seq);
    // Formulas and validation rules: the one place every create goes through (imports included).
    const computed = await applyComputedFields({
      reader: this.deps.store,
      tenantId: caller.tenantId,
      config,
      module,
      data: validated,
      meta: { id, number, ownerId: caller.uid, createdBy: caller.uid, updatedBy: caller.uid, createdAt: now, updatedAt: now },
      now,
    });
    const data = computed.data;
    const record: StoredRecord = withRecordIndex({
      module: module.slug,
      seq,
      number,
      data,
      formulaDue: computed.formulaDue,
      refs,
      display: displayFor(module, data),
      ownerId: caller.uid,
      createdBy: caller.uid,
      updatedBy: caller.uid,
      createdAt: now,
      updatedAt: now,
      deleted: false,
      deletedAt: null,
      deletedBy: null,
      version: 1,
      // Records created after a template upgrade are already in the new shape: the migration skips them.
      ...(config.template ? { schemaVersion: config.template.version } : {}),
    }, recordIndexFields({ module, data, number, ownerId: caller.uid, deleted: false }));
    const path = crmPaths.record(caller.tenantId, id);
    const uniqueClaims = uniqueClaimsFor(caller.tenantId, module, data);
    if (uniqueClaims.length === 0 && !guard) {
      await this.deps.store.create(path, recordToWriteData(record));
    } else {
      await this.deps.store.runTransaction(async (tx) => {
        await guard?.check(tx);
        await assertUniqueFree(tx, module, uniqueClaims, id);
        tx.create(path, recordToWriteData(record));
        for (const claim of uniqueClaims) tx.set(claim.path, { module: module.slug, field: claim.field.key, recordId: id, number });
        guard?.commit(tx, toRecordView(id, record, scope));
      });
    }
    return toRecordView(id, record, scope);
  }

  async get(caller: Caller, recordId: string): Promise<RecordView> {
    const config = await this.deps.configs.require(caller.tenantId);
    const doc = await this.deps.store.get(crmPaths.record(caller.tenantId, recordId));
    const record = doc ? asStoredRecord(doc.data) : null;
    if (!record || !resolveModule(config, record.module) || !canRead(caller, config, record)) throw recordNotFound();
    return toRecordView(recordId, record, readScopeFor(caller, config));
  }

  /**
   * Partial update with optimistic concurrency: the caller sends the version it
   * last saw; if someone saved since, nothing is written and the caller is told.
   */
  async update(
    caller: Caller,
    recordId: string,
    changes: Record<string, unknown>,
    expectedVersion: number,
    guard?: RecordWriteGuard,
  ): Promise<RecordView> {
    assertNotPreview(caller);
    const cachedConfig = await this.deps.configs.require(caller.tenantId);
    const path = crmPaths.record(caller.tenantId, recordId);
    const { store } = this.deps;
    const result = await store.runTransaction(async (tx) => {
      await guard?.check(tx);
      const { current, config, module } = await this.readEditable(tx, caller, cachedConfig, path);
      if (current.version !== expectedVersion) {
        throw new CrmError(
          CRM_ERROR_CODES.versionConflict,
          `${current.number} was changed by someone else since you opened it. Reload it and apply your changes again.`,
          [],
          { messageKey: 'errors.record.changedElsewhere', params: { number: current.number } },
        );
      }
      const scope = readScopeFor(caller, config);
      assertWritable(config, module.slug, changes, scope.access, current.data);
      const validated = validateData(module, changes, 'update', caller.tenantId);
      const changedKeys = Object.keys(validated).filter((key) => !sameValue(current.data[key], validated[key]));
      const data = { ...current.data };
      for (const key of changedKeys) {
        if (validated[key] === null) delete data[key];
        else data[key] = validated[key];
      }
      // Formulas are recomputed on every update (they may read any field) and rules checked on the result.
      const now = this.now();
      const computed = await applyComputedFields({
        reader: tx,
        tenantId: caller.tenantId,
        config,
        module,
        data,
        meta: { id: recordId, number: current.number, ownerId: current.ownerId, createdBy: current.createdBy, updatedBy: caller.uid, createdAt: current.createdAt, updatedAt: now },
        now,
      });
      for (const key of Object.keys(data)) delete data[key];
      Object.assign(data, computed.data);
      for (const field of module.fields) {
        if (fieldTypeModule(field.type).traits.computed && !sameValue(current.data[field.key], data[field.key]) && !changedKeys.includes(field.key)) {
          changedKeys.push(field.key);
        }
      }
      const newRefs = await resolveRelationships(tx, caller.tenantId, module, data, changedKeys);
      const refs = { ...current.refs, ...newRefs };
      for (const key of changedKeys) if (data[key] === undefined) delete refs[key];
      const oldClaims = uniqueClaimsFor(caller.tenantId, module, current.data).filter((claim) => changedKeys.includes(claim.field.key));
      const newClaims = uniqueClaimsFor(caller.tenantId, module, data).filter((claim) => changedKeys.includes(claim.field.key));
      await assertUniqueFree(tx, module, newClaims, recordId);
      if (changedKeys.length === 0) {
        guard?.commit(tx, toRecordView(recordId, current, scope));
        return { record: current, changed: false, scope };
      }
      const updated: StoredRecord = withRecordIndex(
        { ...current, data, refs, display: displayFor(module, data), formulaDue: computed.formulaDue, updatedBy: caller.uid, updatedAt: now, version: current.version + 1 },
        recordIndexFields({ module, data, number: current.number, ownerId: current.ownerId, deleted: false }),
      );
      tx.set(path, recordToWriteData(updated));
      for (const claim of oldClaims) tx.delete(claim.path);
      for (const claim of newClaims) tx.set(claim.path, { module: module.slug, field: claim.field.key, recordId, number: current.number });
      guard?.commit(tx, toRecordView(recordId, updated, scope));
      return { record: updated, changed: true, scope };
    });
    return toRecordView(recordId, result.record, result.scope);
  }

  /**
   * Soft delete: the record moves to the trash, keeps its number and unique values, and can be restored.
   * With `expectedVersion` (bulk actions), a record changed since the caller saw it is refused, not deleted.
   */
  async delete(caller: Caller, recordId: string, guard?: RecordWriteGuard, expectedVersion?: number): Promise<RecordView> {
    return this.setDeleted(caller, recordId, true, guard, expectedVersion);
  }

  async restore(caller: Caller, recordId: string, guard?: RecordWriteGuard, expectedVersion?: number): Promise<RecordView> {
    return this.setDeleted(caller, recordId, false, guard, expectedVersion);
  }

  /**
   * Hands a record to another member: the update right on the record decides
   * (update_own: only one's own records), with the same version check as an
   * edit. The new owner must be a member of the tenant (checked by the caller
   * of this, once per bulk action, against the identity port).
   */
  async changeOwner(caller: Caller, recordId: string, ownerId: string, expectedVersion: number): Promise<RecordView> {
    assertNotPreview(caller);
    const cachedConfig = await this.deps.configs.require(caller.tenantId);
    const path = crmPaths.record(caller.tenantId, recordId);
    const { record, config: usedConfig } = await this.deps.store.runTransaction(async (tx) => {
      const { current, config, module } = await this.readEditable(tx, caller, cachedConfig, path);
      if (current.version !== expectedVersion) throw changedElsewhere(current.number);
      if (current.ownerId === ownerId) return { record: current, config };
      const next: StoredRecord = withRecordIndex(
        { ...current, ownerId, updatedBy: caller.uid, updatedAt: this.now(), version: current.version + 1 },
        // Owner-scoped tokens (read_own lists) follow the new owner.
        recordIndexFields({ module, data: current.data, number: current.number, ownerId, deleted: false }),
      );
      tx.set(path, recordToWriteData(next));
      return { record: next, config };
    });
    return toRecordView(recordId, record, readScopeFor(caller, usedConfig));
  }

  private async setDeleted(caller: Caller, recordId: string, deleted: boolean, guard?: RecordWriteGuard, expectedVersion?: number): Promise<RecordView> {
    assertNotPreview(caller);
    const cachedConfig = await this.deps.configs.require(caller.tenantId);
    const path = crmPaths.record(caller.tenantId, recordId);
    const { record, config: usedConfig } = await this.deps.store.runTransaction(async (tx) => {
      await guard?.check(tx);
      const doc = await tx.get(path);
      const current = doc ? asStoredRecord(doc.data) : null;
      const config = await configNotBehind(this.deps.configs, cachedConfig, current);
      const module = current ? resolveModule(config, current.module) : null;
      if (!current || !module || !canRead(caller, config, current)) throw recordNotFound();
      if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: module.slug, action: 'delete', ownerId: current.ownerId })) {
        throw forbidden(deleted ? 'delete' : 'restore', module);
      }
      if (current.deleted === deleted) {
        throw new CrmError(
          CRM_ERROR_CODES.precondition,
          deleted ? `${current.number} is already in the trash.` : `${current.number} is not in the trash.`,
          [],
          { messageKey: deleted ? 'errors.record.alreadyInTrash' : 'errors.record.notInTrash', params: { number: current.number } },
        );
      }
      if (expectedVersion !== undefined && current.version !== expectedVersion) throw changedElsewhere(current.number);
      const now = this.now();
      const next: StoredRecord = withRecordIndex(
        {
          ...current,
          deleted,
          deletedAt: deleted ? now : null,
          deletedBy: deleted ? caller.uid : null,
          updatedBy: caller.uid,
          updatedAt: now,
          version: current.version + 1,
        },
        recordIndexFields({ module, data: current.data, number: current.number, ownerId: current.ownerId, deleted }),
      );
      tx.set(path, recordToWriteData(next));
      guard?.commit(tx, toRecordView(recordId, next, readScopeFor(caller, config)));
      return { record: next, config };
    });
    return toRecordView(recordId, record, readScopeFor(caller, usedConfig));
  }

  /**
   * The record an edit (update, change of owner) works on, read in the edit's transaction: missing or
   * unreadable is not-found, no update right is forbidden, and a record in the trash must be restored first.
   */
  private async readEditable(tx: Transaction, caller: Caller, cachedConfig: TenantConfig, path: string) {
    const doc = await tx.get(path);
    const current = doc ? asStoredRecord(doc.data) : null;
    const config = await configNotBehind(this.deps.configs, cachedConfig, current);
    const module = current ? resolveModule(config, current.module) : null;
    if (!current || !module || !canRead(caller, config, current)) throw recordNotFound();
    if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: module.slug, action: 'update', ownerId: current.ownerId })) {
      throw forbidden('update', module);
    }
    if (current.deleted) {
      throw new CrmError(CRM_ERROR_CODES.precondition, `${current.number} is in the trash; restore it before editing.`, [], {
        messageKey: 'errors.record.inTrash',
        params: { number: current.number },
      });
    }
    return { current, config, module };
  }

  private async moduleFor(caller: Caller, moduleSlug: string): Promise<{ config: TenantConfig; module: ResolvedModule }> {
    const config = await this.deps.configs.require(caller.tenantId);
    const module = resolveModule(config, moduleSlug);
    if (!module) throw moduleNotFound(moduleSlug);
    return { config, module };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/**
 * A record stamped with a newer template version than this instance's cached
 * configuration means the cache is stale (another instance applied an
 * upgrade and migrated the record). Validating against the stale config
 * would write the old schema over migrated data, so the configuration is
 * re-read before anything is decided.
 */
async function configNotBehind(configs: ConfigStore, config: TenantConfig, record: StoredRecord | null): Promise<TenantConfig> {
  if (!record?.schemaVersion || !config.template) return config;
  if (compareVersions(record.schemaVersion, config.template.version) <= 0) return config;
  configs.invalidate(config.tenantId);
  return configs.require(config.tenantId);
}

export function recordNotFound(): CrmError {
  // The same answer for "does not exist", "another tenant's id" and "not yours to read".
  return new CrmError(CRM_ERROR_CODES.notFound, 'This record does not exist or you do not have access to it.', [], {
    messageKey: 'errors.record.notFound',
  });
}

export function moduleNotFound(slug: string): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, `There is no module "${slug}" in this CRM.`, [], {
    messageKey: 'errors.module.notFound',
    params: { module: slug },
  });
}

function changedElsewhere(number: string): CrmError {
  return new CrmError(
    CRM_ERROR_CODES.versionConflict,
    `${number} was changed by someone else since you opened it. Reload it and apply your changes again.`,
    [],
    { messageKey: 'errors.record.changedElsewhere', params: { number } },
  );
}

function forbidden(action: string, module: ResolvedModule): CrmError {
  return new CrmError(CRM_ERROR_CODES.forbidden, `Your role may not ${action} records in ${labelOf(module)}.`, [], {
    messageKey: `errors.record.forbidden.${action}`,
    params: { module: labelOf(module) },
  });
}

function labelOf(module: ResolvedModule): string {
  const { label } = module.config;
  return typeof label === 'string' ? label : (label.en ?? module.slug);
}

/** "See the CRM as role X" is read-only: the server refuses every write made under a preview. */
export function assertNotPreview(caller: Caller): void {
  if (caller.previewOf === undefined) return;
  throw new CrmError(CRM_ERROR_CODES.forbidden, 'This is a preview of another role: nothing can be changed from it.', [], {
    messageKey: 'access.errors.previewReadOnly',
  });
}

export function requireScope(caller: Caller, config: TenantConfig, module: ResolvedModule, action: RecordAction) {
  const scope = resolveAccessScope({ actor: caller, matrix: config.permissions, module: module.slug, action });
  if (scope === 'none') throw forbidden(action, module);
  return scope;
}

function canRead(caller: Caller, config: TenantConfig, record: StoredRecord): boolean {
  return canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'read', ownerId: record.ownerId });
}

function validateData(module: ResolvedModule, input: Record<string, unknown>, mode: 'create' | 'update', tenantId: string): Record<string, unknown> {
  const result = validateRecordData({ fields: [...module.fields], data: input, mode });
  if (!result.ok) throw invalidInput(
      result.errors.map((error) => ({ path: `data.${error.field}`, message: error.message, messageKey: error.messageKey, params: error.params })),
    );
  // A stored file must be this tenant's upload for this module (storage.rules confine uploads to that folder).
  const misplaced = module.fields.filter((field) => {
    const path = field.type === 'file' ? (result.value[field.key] as { path?: unknown } | null | undefined)?.path : undefined;
    return typeof path === 'string' && !isInFileFolder(path, tenantId, module.slug);
  });
  if (misplaced.length > 0) {
    throw invalidInput(
      misplaced.map((field) => ({ path: `data.${field.key}`, message: `files must be uploaded to ${fileStorageFolder(tenantId, module.slug)}` })),
    );
  }
  return result.value;
}

function displayFor(module: ResolvedModule, data: Record<string, unknown>): string | null {
  return module.displayField ? displayValueOf(data[module.displayField]) : null;
}

function relationshipTarget(field: FieldDefinition): { relatedModule: string; displayField: string } | null {
  if (field.type !== 'relationship' || !field.options || Array.isArray(field.options)) return null;
  const options = field.options as { related_module?: string; display_field?: string };
  if (!options.related_module) return null;
  return { relatedModule: options.related_module, displayField: options.display_field ?? '' };
}

/**
 * Checks that each set relationship points at a live record of the right
 * module in this tenant (the path makes another tenant's id simply not found)
 * and returns the display values to denormalize. One read per relationship.
 */
async function resolveRelationships(
  reader: ReadOps,
  tenantId: string,
  module: ResolvedModule,
  data: Record<string, unknown>,
  keys: readonly string[],
): Promise<Record<string, RelatedRef>> {
  const wanted = module.fields.flatMap((field) => {
    const target = relationshipTarget(field);
    const id = data[field.key];
    return target && keys.includes(field.key) && typeof id === 'string' ? [{ field, target, id }] : [];
  });
  if (wanted.length === 0) return {};
  const docs = await reader.getAll(wanted.map(({ id }) => crmPaths.record(tenantId, id)));
  const refs: Record<string, RelatedRef> = {};
  const issues: FieldIssue[] = [];
  wanted.forEach(({ field, target, id }, index) => {
    const related = docs[index] ? asStoredRecord((docs[index] as StoredDocument).data) : null;
    if (!related || related.deleted || related.module !== target.relatedModule) {
      issues.push({ path: `data.${field.key}`, message: `must be an existing ${target.relatedModule} record` });
      return;
    }
    refs[field.key] = { id, display: displayValueOf(related.data[target.displayField]) ?? related.number };
  });
  if (issues.length > 0) throw invalidInput(issues);
  return refs;
}

export interface UniqueClaim {
  readonly field: FieldDefinition;
  readonly path: string;
}

export function uniqueClaimsFor(tenantId: string, module: ResolvedModule, data: Record<string, unknown>): UniqueClaim[] {
  return module.fields.flatMap((field) => {
    if (!field.unique) return [];
    const normalized = normalizeFacetValue(field, data[field.key]) ?? (typeof data[field.key] === 'string' ? String(data[field.key]).toLowerCase() : null);
    if (normalized === null) return [];
    const digest = createHash('sha256').update(normalized).digest('hex').slice(0, 40);
    return [{ field, path: crmPaths.uniqueValue(tenantId, `${module.slug}__${field.key}__${digest}`) }];
  });
}

async function assertUniqueFree(reader: ReadOps, module: ResolvedModule, claims: readonly UniqueClaim[], recordId: string) {
  if (claims.length === 0) return;
  const docs = await reader.getAll(claims.map((claim) => claim.path));
  const issues: FieldIssue[] = [];
  claims.forEach((claim, index) => {
    const holder = docs[index];
    if (holder && holder.data.recordId !== recordId) {
      const label = resolveLabel(claim.field.label, 'en') || claim.field.key;
      issues.push({
        path: `data.${claim.field.key}`,
        message: `is already used by ${String(holder.data.number)}`,
        messageKey: 'validation.unique',
        params: { field: label, number: String(holder.data.number) },
      });
    }
  });
  if (issues.length > 0) {
    throw new CrmError(
      CRM_ERROR_CODES.alreadyExists,
      `Another ${labelOf(module)} record already has this value: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}.`,
      issues,
      { messageKey: 'errors.record.duplicateValue', params: { module: labelOf(module) } },
    );
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
