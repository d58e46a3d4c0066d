import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DocumentStore, StoredDocument, Transaction, WriteData } from '../../store/document-store.js';
import { relationshipOptions, type FieldDefinition } from '../../engine/fields/field-definition.js';
import { validateRecordData } from '../../engine/fields/validate-record-data.js';
import { canActOnRecord, type Actor } from '../../engine/permissions/evaluate-permission.js';
import { resolveLabel } from '../../engine/template/localized-text.js';
import type { MessageParams } from '../../engine/fields/field-value-messages.js';
import { resolveModule, type ResolvedModule, type TenantConfig } from '../config/tenant-config.js';
import type { ConfigStore } from '../config/config-store.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { crmPaths } from '../paths.js';
import { formatRecordNumber, type NumberAllocator } from '../records/number-allocator.js';
import { recordIndexFields, withRecordIndex } from '../records/record-index.js';
import { asStoredRecord, displayValueOf, recordToWriteData, type RelatedRef, type StoredRecord } from '../records/record-model.js';
import { normalizeFacetValue } from '../records/record-tokens.js';
import { uniqueClaimsFor } from '../records/records-service.js';
import { cellToValue } from '../../engine/fields/types/registry.js';
import { importPaths } from './import-paths.js';
import { importMessage, rowErrorKey, type ImportRowReason } from './import-messages.js';
import { ImportJobParamsSchema, MATCH_BY_NUMBER, type ImportJobParams } from './import-params.js';
import { findByFacet, findByNumbers, parseRecordNumber, type FoundRecord } from './record-lookups.js';
import { readTable } from './read-table.js';
import { writeErrorFile } from './write-error-file.js';

/** What the import slice needs from the job runner (the jobs foundation's `JobSliceContext`, structurally). */
export interface ImportSliceContext {
  readonly services: {
    readonly store: DocumentStore;
    readonly configs: ConfigStore;
    readonly numbers: NumberAllocator;
    readonly files: { read(path: string): Promise<Readable>; write(path: string, body: AsyncIterable<Uint8Array> | string, options?: { contentType?: string }): Promise<{ size: number }> };
  };
  readonly tenantId: string;
  readonly job: { readonly id: string; readonly params: Record<string, unknown>; readonly cursor: unknown; readonly createdBy: string };
  readonly deadline: number;
  /** `done` and `counts` are added to the job's totals; `cursor`, `total` and `result` replace. */
  checkpoint(
    update: { cursor?: unknown; done?: number; total?: number | null; counts?: Record<string, number>; result?: Record<string, unknown> },
    tx?: Transaction,
  ): Promise<void>;
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** Handler-owned cursor: how many data rows are settled, and the running totals. */
export interface ImportCursor {
  readonly phase: 'rows' | 'errors' | 'done';
  /** Data rows (after the header) whose outcome is committed. */
  readonly row: number;
  readonly total: number | null;
  readonly counts: ImportCounts;
}

/** The marker an imported write leaves on the record: history says "from import", the trigger honours `workflows`. */
export interface ImportedMarker {
  readonly jobId: string;
  /** The spreadsheet row (header = 1). */
  readonly row: number;
  readonly workflows: boolean;
}

/** One row's error as stored (and written to the error file). */
export interface RowError {
  readonly column: string;
  readonly field: string | null;
  readonly messageKey: string;
  readonly params: MessageParams;
  readonly message: string;
}

/** Rows per transaction: Firestore commits at most 500 writes; a row writes its record, its unique claims and maybe an error or undo entry. */
export function rowsPerCommit(uniqueFields: number): number {
  return Math.max(10, Math.min(200, Math.floor(450 / (2 + 2 * uniqueFields))));
}

/**
 * The id of the record created by data row `index` of import `jobId`. A row
 * replayed after a crash would try to create the same document and fail
 * instead of creating a twin (the checkpoint in the same transaction already
 * makes a replay skip committed rows; this is the second lock).
 */
export function importedRecordId(tenantId: string, jobId: string, index: number): string {
  return `imp${createHash('sha256').update(`${tenantId}/${jobId}/${index}`).digest('base64url').replace(/[-_]/g, '').slice(0, 24)}`;
}

export function spreadsheetRow(index: number): number {
  // The header is row 1; data row 0 is row 2, as the importer sees it in a spreadsheet.
  return index + 2;
}

export function initialCursor(): ImportCursor {
  return { phase: 'rows', row: 0, total: null, counts: { created: 0, updated: 0, unchanged: 0, failed: 0 } };
}

/**
 * One slice of an import job: reads the file from the cursor on, commits rows
 * in transactions that also move the cursor (so a crash re-runs nothing that
 * was committed and loses nothing that was not), until the deadline or the
 * end of the file; then writes the error file.
 */
export async function runImportSlice(ctx: ImportSliceContext): Promise<{ done: boolean }> {
  const params = ImportJobParamsSchema.parse(ctx.job.params);
  let cursor = (ctx.job.cursor as ImportCursor | null) ?? initialCursor();
  const config = await ctx.services.configs.require(ctx.tenantId);
  const module = resolveModule(config, params.module);
  if (!module) throw new CrmError(CRM_ERROR_CODES.notFound, `There is no module "${params.module}" in this CRM.`, [], { messageKey: 'errors.module.notFound', params: { module: params.module } });

  if (cursor.phase === 'rows' && cursor.total === null) {
    // One parse-only pass gives the progress bar its total (and "time left"); it costs no store reads.
    const total = await countDataRows(ctx, params);
    cursor = { ...cursor, total };
    await ctx.checkpoint({ cursor, total });
  }

  if (cursor.phase === 'rows') {
    const plan = buildPlan(config, module, params);
    const table = readTable(await ctx.services.files.read(params.sourcePath), params.format)[Symbol.asyncIterator]();
    try {
      const header = await table.next();
      if (header.done) {
        cursor = { ...cursor, phase: 'errors' };
      } else {
        plan.header = header.value;
        for (let skipped = 0; skipped < cursor.row; skipped += 1) {
          if ((await table.next()).done) break;
        }
        const chunkSize = rowsPerCommit(module.fields.filter((field) => field.unique).length);
        for (;;) {
          const rows: SourceRow[] = [];
          while (rows.length < chunkSize) {
            const next = await table.next();
            if (next.done) break;
            rows.push({ index: cursor.row + rows.length, cells: next.value });
          }
          if (rows.length === 0) {
            cursor = { ...cursor, phase: 'errors' };
            break;
          }
          cursor = await commitRows(ctx, plan, params, rows, cursor);
          if (rows.length < chunkSize) {
            cursor = { ...cursor, phase: 'errors' };
            break;
          }
          if (Date.now() >= ctx.deadline) return { done: false };
        }
      }
    } finally {
      await table.return?.(undefined);
    }
    await ctx.checkpoint({ cursor, total: cursor.row });
  }

  if (cursor.phase === 'errors') {
    const errorFile = cursor.counts.failed > 0 ? await writeErrorFile(ctx, params) : null;
    cursor = { ...cursor, phase: 'done' };
    await ctx.checkpoint({
      cursor,
      result: { module: params.module, fileName: params.fileName, rows: cursor.row, ...cursor.counts, errorFile, errorRows: cursor.counts.failed },
    });
  }
  return { done: true };
}

async function countDataRows(ctx: ImportSliceContext, params: ImportJobParams): Promise<number> {
  let rows = -1;
  for await (const _row of readTable(await ctx.services.files.read(params.sourcePath), params.format)) rows += 1;
  return Math.max(0, rows);
}

interface SourceRow {
  readonly index: number;
  readonly cells: readonly string[];
}

interface RelationTarget {
  readonly field: FieldDefinition;
  readonly module: ResolvedModule;
  /** The related module's field that names its records (display resolution). */
  readonly displayField: FieldDefinition | null;
}

/** Everything fixed for the whole job: mapped fields, relationship targets, the match key. */
export interface ImportPlan {
  readonly module: ResolvedModule;
  readonly columns: ReadonlyArray<{ readonly column: number; readonly field: FieldDefinition | null }>;
  readonly relations: ReadonlyMap<string, RelationTarget>;
  readonly matchField: FieldDefinition | null;
  readonly matchByNumber: boolean;
  header: readonly string[];
  /**
   * Related records found in this slice, by module, resolution and value:
   * a file naming 50 doctors in 100,000 rows reads each doctor once per slice,
   * not once per chunk. Bounded; a slice is short enough that a related record
   * deleted meanwhile is as if deleted just after the row was written.
   */
  readonly relationCache: Map<string, CachedRelation[]>;
}

interface CachedRelation {
  readonly id: string;
  readonly display: string;
}

const RELATION_CACHE_MAX = 20_000;

export function buildPlan(config: TenantConfig, module: ResolvedModule, params: Pick<ImportJobParams, 'mapping' | 'matchKey' | 'mode'>): ImportPlan {
  const byKey = new Map(module.fields.map((field) => [field.key, field]));
  const columns = params.mapping.map(({ column, field }) => ({ column, field: field === MATCH_BY_NUMBER ? null : (byKey.get(field) ?? null) }));
  const relations = new Map<string, RelationTarget>();
  for (const { field } of columns) {
    const options = field ? relationshipOptions(field) : undefined;
    const target = options ? resolveModule(config, options.related_module) : null;
    if (!field || !target) continue;
    const displayKey = options?.display_field || target.displayField;
    const displayField = target.fields.find((candidate) => candidate.key === displayKey) ?? null;
    relations.set(field.key, { field, module: target, displayField });
  }
  const matchByNumber = params.mode !== 'create' && params.matchKey === MATCH_BY_NUMBER;
  const matchField = params.mode !== 'create' && !matchByNumber && params.matchKey ? (byKey.get(params.matchKey) ?? null) : null;
  return { module, columns, relations, matchField, matchByNumber, header: [], relationCache: new Map() };
}

/** A row on its way: typed values, the raw cells of relationships and of the match key, its errors. */
interface RowDraft {
  readonly index: number;
  readonly cells: readonly string[];
  readonly values: Record<string, unknown>;
  readonly relationCells: Map<string, string>;
  /** Resolved relationships with the display value to denormalize (as a hand-made record stores it). */
  readonly refs: Record<string, RelatedRef>;
  matchCell: string | null;
  /** The matched record id (number / import-key match), or null: create (upsert) / error (update). */
  matchedId: string | null;
  /** The matched record's id from a unique field's claim, read before the transaction. */
  errors: RowError[];
}

function labelOf(field: FieldDefinition, language: string): string {
  return resolveLabel(field.label, language) || field.key;
}

function moduleLabel(module: ResolvedModule, language: string): string {
  return resolveLabel(module.config.label, language) || module.slug;
}

function rowError(plan: ImportPlan, language: ImportJobParams['language'], column: number | null, field: FieldDefinition | null, key: string, params: MessageParams): RowError {
  const withField = field ? { ...params, field: labelOf(field, language) } : params;
  return {
    column: column === null ? '' : (plan.header[column] ?? `#${column + 1}`),
    field: field?.key ?? null,
    messageKey: key,
    params: withField,
    message: importMessage(key, withField, language),
  };
}

function reasonError(plan: ImportPlan, params: ImportJobParams, column: number | null, field: FieldDefinition | null, reason: ImportRowReason, extra: MessageParams = {}): RowError {
  return rowError(plan, params.language, column, field, rowErrorKey(reason), extra);
}

function columnOf(plan: ImportPlan, fieldKey: string): number | null {
  return plan.columns.find((entry) => entry.field?.key === fieldKey)?.column ?? null;
}

/** Cells → typed values; relationship and match cells kept raw for the batched look-ups. */
export function draftRows(plan: ImportPlan, rows: readonly SourceRow[]): RowDraft[] {
  return rows.map(({ index, cells }) => {
    const draft: RowDraft = { index, cells, values: {}, relationCells: new Map(), refs: {}, matchCell: null, matchedId: null, errors: [] };
    for (const { column, field } of plan.columns) {
      const cell = (cells[column] ?? '').trim();
      if (field === null) {
        draft.matchCell = cell === '' ? null : cell;
        continue;
      }
      if (plan.matchField?.key === field.key) draft.matchCell = cell === '' ? null : cell;
      // An empty cell is "no value": defaults apply on create, the stored value stays on update.
      if (cell === '') continue;
      if (plan.relations.has(field.key)) draft.relationCells.set(field.key, cell);
      else draft.values[field.key] = cellToValue(field, cell);
    }
    return draft;
  });
}

/**
 * Relationship cells → record ids, one batch of queries per related module
 * and resolution, for the whole slice.
 */
export async function resolveRelations(store: DocumentStore, tenantId: string, plan: ImportPlan, params: ImportJobParams, drafts: RowDraft[]): Promise<void> {
  for (const [key, target] of plan.relations) {
    const column = columnOf(plan, key);
    const pending = drafts.filter((draft) => draft.relationCells.has(key));
    if (pending.length === 0) continue;
    const moduleName = moduleLabel(target.module, params.language);
    const displayKey = target.displayField?.key ?? target.module.displayField ?? '';
    const toCached = (found: readonly FoundRecord[]): CachedRelation[] => found.map((record) => ({ id: record.id, display: displayValueOf(record.data[displayKey]) ?? record.number }));
    const cacheKey = (value: string | number) => `${target.module.slug}|${params.relationResolution}|${value}`;
    if (plan.relationCache.size > RELATION_CACHE_MAX) plan.relationCache.clear();
    if (params.relationResolution === 'number') {
      const seqs = new Map<RowDraft, number>();
      for (const draft of pending) {
        const cell = draft.relationCells.get(key) ?? '';
        const seq = parseRecordNumber(cell, target.module.prefix);
        if (seq === null) draft.errors.push(reasonError(plan, params, column, target.field, 'relationNotFound', { module: moduleName, value: cell }));
        else seqs.set(draft, seq);
      }
      const missing = [...new Set(seqs.values())].filter((seq) => !plan.relationCache.has(cacheKey(seq)));
      const found = await findByNumbers(store, tenantId, target.module.slug, missing);
      for (const seq of missing) plan.relationCache.set(cacheKey(seq), toCached(found.get(seq) ?? []));
      for (const [draft, seq] of seqs) assignRelation(plan, params, draft, target, column, plan.relationCache.get(cacheKey(seq)) ?? [], moduleName);
      continue;
    }
    const displayField = target.displayField;
    const normalize = (value: unknown) => (displayField ? normalizeFacetValue(displayField, value) : null);
    if (!displayField || normalize('x') === null) {
      for (const draft of pending) draft.errors.push(reasonError(plan, params, column, target.field, 'relationNoDisplay', { module: moduleName }));
      continue;
    }
    const wanted = new Map<RowDraft, string>();
    for (const draft of pending) wanted.set(draft, normalize(draft.relationCells.get(key)) ?? '');
    const missing = [...new Set(wanted.values())].filter((value) => value !== '' && !plan.relationCache.has(cacheKey(value)));
    const found = await findByFacet(store, tenantId, target.module.slug, displayField.key, missing, normalize);
    for (const value of missing) plan.relationCache.set(cacheKey(value), toCached(found.get(value) ?? []));
    for (const [draft, value] of wanted) assignRelation(plan, params, draft, target, column, plan.relationCache.get(cacheKey(value)) ?? [], moduleName);
  }
}

function assignRelation(plan: ImportPlan, params: ImportJobParams, draft: RowDraft, target: RelationTarget, column: number | null, found: readonly CachedRelation[], moduleName: string) {
  const cell = draft.relationCells.get(target.field.key) ?? '';
  const [only] = found;
  if (found.length === 1 && only) {
    draft.values[target.field.key] = only.id;
    draft.refs[target.field.key] = { id: only.id, display: only.display };
  } else if (found.length === 0) draft.errors.push(reasonError(plan, params, column, target.field, 'relationNotFound', { module: moduleName, value: cell }));
  else draft.errors.push(reasonError(plan, params, column, target.field, 'relationAmbiguous', { module: moduleName, value: cell, count: found.length }));
}

/**
 * Match cells → record ids for number and import-key matches (batched
 * queries). A unique field is matched through its claim document inside the
 * transaction instead: claims are authoritative and cover the trash.
 */
async function resolveMatches(store: DocumentStore, tenantId: string, plan: ImportPlan, params: ImportJobParams, drafts: RowDraft[]): Promise<void> {
  if (params.mode === 'create') return;
  const column = plan.matchByNumber ? (plan.columns.find((entry) => entry.field === null)?.column ?? null) : plan.matchField ? columnOf(plan, plan.matchField.key) : null;
  const fieldName = plan.matchField ? labelOf(plan.matchField, params.language) : params.language === 'es' ? 'Número' : 'Number';
  const live = drafts.filter((draft) => draft.errors.length === 0);
  for (const draft of live) {
    if (draft.matchCell === null && (params.mode === 'update' || plan.matchByNumber)) {
      draft.errors.push(reasonError(plan, params, column, plan.matchField, 'matchMissing', { field: fieldName }));
    }
  }
  if (plan.matchByNumber) {
    const seqs = new Map<RowDraft, number>();
    for (const draft of live) {
      if (draft.matchCell === null || draft.errors.length > 0) continue;
      const seq = parseRecordNumber(draft.matchCell, plan.module.prefix);
      if (seq === null) draft.errors.push(reasonError(plan, params, column, null, 'numberInvalid', { value: draft.matchCell }));
      else seqs.set(draft, seq);
    }
    const found = await findByNumbers(store, tenantId, plan.module.slug, [...seqs.values()]);
    for (const [draft, seq] of seqs) {
      const match = found.get(seq)?.[0];
      // A number names one record; none (or one in the trash) is an error even when upserting: numbers are assigned, not imported.
      if (match) draft.matchedId = match.id;
      else draft.errors.push(reasonError(plan, params, column, null, 'matchNotFound', { field: fieldName, value: draft.matchCell ?? '' }));
    }
    return;
  }
  const field = plan.matchField;
  if (!field || field.unique) return;
  const normalize = (value: unknown) => normalizeFacetValue(field, value);
  const wanted = new Map<RowDraft, string>();
  for (const draft of live) {
    if (draft.matchCell === null || draft.errors.length > 0) continue;
    const normalized = normalize(draft.values[field.key] ?? cellToValue(field, draft.matchCell));
    if (normalized !== null) wanted.set(draft, normalized);
  }
  const found = await findByFacet(store, tenantId, plan.module.slug, field.key, [...wanted.values()], normalize);
  for (const [draft, value] of wanted) {
    const matches = found.get(value) ?? [];
    if (matches.length === 1) draft.matchedId = matches[0]?.id ?? null;
    else if (matches.length > 1) draft.errors.push(reasonError(plan, params, column, field, 'matchAmbiguous', { field: fieldName, value: draft.matchCell ?? '', count: matches.length }));
    else if (params.mode === 'update') draft.errors.push(reasonError(plan, params, column, field, 'matchNotFound', { field: fieldName, value: draft.matchCell ?? '' }));
  }
}

/** The claim path of the match key's value (unique-field matches), or null. */
function matchClaimPath(tenantId: string, plan: ImportPlan, draft: RowDraft): string | null {
  const field = plan.matchField;
  if (!field?.unique || draft.matchCell === null) return null;
  const value = draft.values[field.key] ?? cellToValue(field, draft.matchCell);
  return uniqueClaimsFor(tenantId, plan.module, { [field.key]: value }).find((claim) => claim.field.key === field.key)?.path ?? null;
}

interface UndoEntry {
  readonly recordId: string;
  readonly row: number;
  readonly before: StoredRecord;
  /** The version the import wrote: revert restores only if the record is still at it. */
  readonly version: number;
}

/**
 * Commits one chunk of rows in one transaction, with the cursor. Reads first
 * (matched records, unique claims), then every decision, then the checkpoint
 * and the writes. Returns the new cursor.
 */
async function commitRows(ctx: ImportSliceContext, plan: ImportPlan, params: ImportJobParams, rows: readonly SourceRow[], cursor: ImportCursor): Promise<ImportCursor> {
  const { store } = ctx.services;
  const { tenantId } = ctx;
  const jobId = ctx.job.id;
  const drafts = draftRows(plan, rows);
  await resolveRelations(store, tenantId, plan, params, drafts);
  await resolveMatches(store, tenantId, plan, params, drafts);

  // Unique-field matches: read the claims now to know which rows create (and need a number).
  const claimMatch = new Map<RowDraft, string>();
  for (const draft of drafts) {
    const path = draft.errors.length === 0 && params.mode !== 'create' ? matchClaimPath(tenantId, plan, draft) : null;
    if (path) claimMatch.set(draft, path);
  }
  if (claimMatch.size > 0) {
    const claims = await store.getAll([...claimMatch.values()]);
    [...claimMatch.keys()].forEach((draft, index) => {
      const holder = claims[index];
      if (holder && typeof holder.data.recordId === 'string') draft.matchedId = holder.data.recordId;
    });
  }
  for (const draft of drafts) {
    if (draft.errors.length === 0 && draft.matchedId === null && params.mode === 'update' && plan.matchField?.unique) {
      const column = columnOf(plan, plan.matchField.key);
      draft.errors.push(reasonError(plan, params, column, plan.matchField, 'matchNotFound', { field: labelOf(plan.matchField, params.language), value: draft.matchCell ?? '' }));
    }
  }

  // Numbers come from leased blocks (the counter is written once per block, not per row); a row that then fails leaves a gap.
  const creating = drafts.filter((draft) => draft.errors.length === 0 && draft.matchedId === null);
  const seqs = creating.length > 0 ? await ctx.services.numbers.allocateMany(tenantId, plan.module.slug, creating.length) : [];

  const actor: Actor = { uid: params.actor.uid, role: params.actor.role, platformRole: params.actor.platformRole };
  const ownerId = params.ownerId ?? params.actor.uid;
  const now = new Date();

  const outcome = await store.runTransaction(async (tx) => {
    const local = { ...cursor.counts };
    const matchedPaths = [...new Set(drafts.flatMap((draft) => (draft.errors.length === 0 && draft.matchedId ? [crmPaths.record(tenantId, draft.matchedId)] : [])))];
    // Claims every row would take: validated values, before the decisions (reads come first in a transaction).
    const candidateClaims = new Map<string, StoredDocument | null>();
    for (const draft of drafts) {
      if (draft.errors.length > 0) continue;
      for (const claim of uniqueClaimsFor(tenantId, plan.module, draft.values)) candidateClaims.set(claim.path, null);
    }
    const claimPaths = [...candidateClaims.keys()];
    const toRead = [...matchedPaths, ...claimPaths];
    const docs = toRead.length > 0 ? await tx.getAll(toRead) : [];
    const records = new Map<string, StoredDocument | null>(matchedPaths.map((path, index) => [path, docs[index] ?? null]));
    claimPaths.forEach((path, index) => candidateClaims.set(path, docs[matchedPaths.length + index] ?? null));

    const config = await ctx.services.configs.require(tenantId);
    const writes: Array<(t: Transaction) => void> = [];
    const errorDocs: Array<{ draft: RowDraft; errors: RowError[] }> = [];
    const undo: UndoEntry[] = [];
    const createdIds: string[] = [];
    const takenInChunk = new Map<string, string>();
    let nextSeq = 0;

    for (const draft of drafts) {
      const row = spreadsheetRow(draft.index);
      const fail = (errors: RowError[]) => {
        errorDocs.push({ draft, errors });
        local.failed += 1;
      };
      if (draft.errors.length > 0) {
        // Report the row's other problems too, so one round of fixing is enough.
        const checked = validateRecordData({ fields: [...plan.module.fields], data: draft.values, mode: draft.matchedId ? 'update' : 'create' });
        const reported = new Set(draft.errors.map((error) => error.field));
        const others = checked.ok ? [] : validationErrors(plan, params, checked.errors).filter((error) => !reported.has(error.field));
        fail([...draft.errors, ...others]);
        continue;
      }
      const marker: ImportedMarker = { jobId, row, workflows: params.runWorkflows };
      if (draft.matchedId) {
        const recordId = draft.matchedId;
        const doc = records.get(crmPaths.record(tenantId, recordId)) ?? null;
        const current = doc ? asStoredRecord(doc.data) : null;
        const column = plan.matchField ? columnOf(plan, plan.matchField.key) : null;
        if (!current || current.module !== plan.module.slug) {
          fail([reasonError(plan, params, column, plan.matchField, 'matchNotFound', { field: plan.matchField ? labelOf(plan.matchField, params.language) : '#', value: draft.matchCell ?? '' })]);
          continue;
        }
        if (current.deleted) {
          fail([reasonError(plan, params, column, plan.matchField, 'matchInTrash', { number: current.number })]);
          continue;
        }
        const previous = (current as StoredRecord & { imported?: ImportedMarker }).imported;
        if (previous?.jobId === jobId) {
          fail([reasonError(plan, params, null, null, 'duplicateInFile', { row: previous.row })]);
          continue;
        }
        if (!canActOnRecord({ actor, matrix: config.permissions, module: plan.module.slug, action: 'update', ownerId: current.ownerId })) {
          fail([reasonError(plan, params, null, null, 'forbiddenUpdate', { number: current.number })]);
          continue;
        }
        const validated = validateRecordData({ fields: [...plan.module.fields], data: draft.values, mode: 'update' });
        if (!validated.ok) {
          fail(validationErrors(plan, params, validated.errors));
          continue;
        }
        const changedKeys = Object.keys(validated.value).filter((key) => JSON.stringify(current.data[key]) !== JSON.stringify(validated.value[key]));
        if (changedKeys.length === 0) {
          local.unchanged += 1;
          continue;
        }
        const data = { ...current.data };
        for (const key of changedKeys) {
          if (validated.value[key] === null) delete data[key];
          else data[key] = validated.value[key];
        }
        const newClaims = uniqueClaimsFor(tenantId, plan.module, data).filter((claim) => changedKeys.includes(claim.field.key));
        const conflict = claimConflict(plan, params, newClaims, candidateClaims, takenInChunk, recordId);
        if (conflict) {
          fail([conflict]);
          continue;
        }
        const oldClaims = uniqueClaimsFor(tenantId, plan.module, current.data).filter((claim) => changedKeys.includes(claim.field.key));
        const refs: Record<string, RelatedRef> = { ...current.refs };
        for (const key of changedKeys) {
          const ref = draft.refs[key];
          if (ref && data[key] === ref.id) refs[key] = ref;
          else if (data[key] === undefined) delete refs[key];
        }
        const version = current.version + 1;
        const updated = withRecordIndex(
          { ...current, data, refs, display: displayOf(plan.module, data), updatedBy: params.actor.uid, updatedAt: now, version, imported: marker },
          recordIndexFields({ module: plan.module, data, number: current.number, ownerId: current.ownerId, deleted: false }),
        );
        const path = crmPaths.record(tenantId, recordId);
        for (const claim of newClaims) takenInChunk.set(claim.path, recordId);
        writes.push((t) => {
          t.set(path, recordToWriteData(updated));
          for (const claim of oldClaims) t.delete(claim.path);
          for (const claim of newClaims) t.set(claim.path, { module: plan.module.slug, field: claim.field.key, recordId, number: current.number });
        });
        undo.push({ recordId, row, before: current, version });
        local.updated += 1;
        continue;
      }
      const validated = validateRecordData({ fields: [...plan.module.fields], data: draft.values, mode: 'create' });
      if (!validated.ok) {
        fail(validationErrors(plan, params, validated.errors));
        continue;
      }
      const recordId = importedRecordId(tenantId, jobId, draft.index);
      const claims = uniqueClaimsFor(tenantId, plan.module, validated.value);
      const conflict = claimConflict(plan, params, claims, candidateClaims, takenInChunk, recordId);
      if (conflict) {
        fail([conflict]);
        continue;
      }
      const seq = seqs[nextSeq];
      nextSeq += 1;
      if (seq === undefined) throw new Error('import: fewer numbers allocated than rows to create');
      const number = formatRecordNumber(plan.module.prefix, seq);
      const refs: Record<string, RelatedRef> = {};
      for (const [key, ref] of Object.entries(draft.refs)) {
        if (validated.value[key] === ref.id) refs[key] = ref;
      }
      const record = withRecordIndex(
        {
          module: plan.module.slug,
          seq,
          number,
          data: validated.value,
          refs,
          display: displayOf(plan.module, validated.value),
          ownerId,
          createdBy: params.actor.uid,
          updatedBy: params.actor.uid,
          createdAt: now,
          updatedAt: now,
          deleted: false,
          deletedAt: null,
          deletedBy: null,
          version: 1,
          ...(config.template ? { schemaVersion: config.template.version } : {}),
          imported: marker,
        },
        recordIndexFields({ module: plan.module, data: validated.value, number, ownerId, deleted: false }),
      );
      for (const claim of claims) takenInChunk.set(claim.path, recordId);
      const path = crmPaths.record(tenantId, recordId);
      writes.push((t) => {
        t.create(path, recordToWriteData(record as unknown as StoredRecord));
        for (const claim of claims) t.set(claim.path, { module: plan.module.slug, field: claim.field.key, recordId, number });
      });
      createdIds.push(recordId);
      local.created += 1;
    }

    const next: ImportCursor = { ...cursor, row: cursor.row + rows.length, counts: local };
    // The runner adds `done` and `counts` to the job's totals; the cursor carries the running totals for the result.
    await ctx.checkpoint({ cursor: next, done: rows.length, counts: difference(local, cursor.counts) }, tx);
    for (const write of writes) write(tx);
    for (const { draft, errors } of errorDocs) {
      tx.set(importPaths.errorRow(tenantId, jobId, draft.index), { row: spreadsheetRow(draft.index), cells: [...draft.cells], errors: errors.map(errorToData) });
    }
    if (createdIds.length > 0) tx.set(importPaths.createdLog(tenantId, jobId, rows[0]?.index ?? 0), { created: createdIds });
    for (const entry of undo) {
      tx.set(importPaths.undoEntry(tenantId, jobId, entry.recordId), { row: entry.row, version: entry.version, before: recordToWriteData(entry.before) as WriteData });
    }
    return next;
  });
  return outcome;
}

function difference(after: ImportCounts, before: ImportCounts): Record<string, number> {
  return {
    created: after.created - before.created,
    updated: after.updated - before.updated,
    unchanged: after.unchanged - before.unchanged,
    failed: after.failed - before.failed,
  };
}

function claimConflict(
  plan: ImportPlan,
  params: ImportJobParams,
  claims: ReadonlyArray<{ field: FieldDefinition; path: string }>,
  stored: ReadonlyMap<string, StoredDocument | null>,
  takenInChunk: ReadonlyMap<string, string>,
  recordId: string,
): RowError | null {
  for (const claim of claims) {
    const holder = stored.get(claim.path);
    const inChunk = takenInChunk.get(claim.path);
    if (inChunk !== undefined && inChunk !== recordId) {
      return reasonError(plan, params, columnOf(plan, claim.field.key), claim.field, 'uniqueTaken', { number: params.language === 'es' ? 'otra fila de este archivo' : 'another row of this file' });
    }
    if (holder && holder.data.recordId !== recordId) {
      return reasonError(plan, params, columnOf(plan, claim.field.key), claim.field, 'uniqueTaken', { number: String(holder.data.number) });
    }
  }
  return null;
}

function validationErrors(plan: ImportPlan, params: ImportJobParams, errors: ReadonlyArray<{ field: string; messageKey?: string; params?: MessageParams; message: string }>): RowError[] {
  return errors.map((error) => {
    const field = plan.module.fields.find((candidate) => candidate.key === error.field) ?? null;
    return rowError(plan, params.language, field ? columnOf(plan, field.key) : null, field, error.messageKey ?? 'validation.unknownField', { ...(error.params ?? {}), message: error.message });
  });
}

function displayOf(module: ResolvedModule, data: Record<string, unknown>): string | null {
  return module.displayField ? displayValueOf(data[module.displayField]) : null;
}

function errorToData(error: RowError): WriteData {
  return { column: error.column, field: error.field, messageKey: error.messageKey, params: { ...error.params }, message: error.message };
}
