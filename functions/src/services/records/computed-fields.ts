import type { ReadOps, StoredDocument } from '../../store/document-store.js';
import type { FieldDefinition } from '../../engine/fields/field-definition.js';
import { storedValueType } from '../../engine/fields/types/registry.js';
import { formulaOptionsOf } from '../../engine/fields/types/formula.js';
import { DEFAULT_MAX_LENGTH } from '../../engine/fields/check-field-value.js';
import { checkFormula, type CheckedFormula, type FormulaReference } from '../../engine/formulas/check-formula.js';
import { evaluateFormula } from '../../engine/formulas/evaluate-formula.js';
import { nextChangeDay } from '../../engine/formulas/next-change.js';
import type { ValidationRule } from '../../engine/formulas/validation-rule-schema.js';
import { resolveLabel } from '../../engine/template/localized-text.js';
import { invalidInput, type FieldIssue } from '../errors.js';
import { crmPaths } from '../paths.js';
import type { ResolvedModule, TenantConfig } from '../config/tenant-config.js';
import { asStoredRecord, type StoredRecord } from './record-model.js';

/**
 * Formula values and validation rules, applied to a record's data on every
 * write path (create, update, workflow update_field; imports go through
 * create). It runs inside the write's transaction when there is one, so the
 * related values it reads are the ones the write commits against.
 *
 * Reads: each relationship path prefix used by the module's formulas and
 * rules is one document, read level by level (at most MAX_PATH_HOPS = 5
 * batched round trips); the number of distinct prefixes per module is capped
 * at MAX_PATH_PREFIXES when the configuration is saved (check-template), so a
 * write reads at most that many extra documents.
 */

interface CompiledFormula {
  readonly field: FieldDefinition;
  readonly formula: CheckedFormula;
}
interface CompiledRule {
  readonly rule: ValidationRule;
  readonly formula: CheckedFormula;
}
export interface CompiledModule {
  readonly formulas: readonly CompiledFormula[];
  readonly rules: readonly CompiledRule[];
  readonly references: readonly FormulaReference[];
}

const compiledByConfig = new WeakMap<TenantConfig, Map<string, CompiledModule>>();

export function fieldsOfConfig(config: TenantConfig) {
  return (slug: string) => config.modules.find((module) => module.slug === slug)?.fields;
}

/** The module's formulas in dependency order and its active rules, parsed once per configuration object. */
export function compileModule(config: TenantConfig, module: ResolvedModule): CompiledModule {
  let perConfig = compiledByConfig.get(config);
  if (!perConfig) {
    perConfig = new Map();
    compiledByConfig.set(config, perConfig);
  }
  const cached = perConfig.get(module.slug);
  if (cached) return cached;
  const fieldsOf = fieldsOfConfig(config);
  const formulas: CompiledFormula[] = [];
  for (const field of module.fields) {
    const options = field.active ? formulaOptionsOf(field) : undefined;
    if (!options) continue;
    const checked = checkFormula({ expression: options.expression, module: module.slug, fieldsOf });
    // The configuration was validated when saved; a formula broken since (a field it reads was removed) stores blank.
    if (checked.ok) formulas.push({ field, formula: checked.formula });
  }
  const rules: CompiledRule[] = [];
  for (const rule of module.config.validation_rules ?? []) {
    if (!rule.active) continue;
    const checked = checkFormula({ expression: rule.expression, module: module.slug, fieldsOf });
    if (checked.ok) rules.push({ rule, formula: checked.formula });
  }
  const ordered = dependencyOrder(module.slug, formulas);
  const references = [...ordered, ...rules].flatMap((entry) => entry.formula.references);
  const compiled = { formulas: ordered, rules, references };
  perConfig.set(module.slug, compiled);
  return compiled;
}

/** Formulas reading other formulas of the same record come after them (cycles are refused on save). */
function dependencyOrder(slug: string, formulas: readonly CompiledFormula[]): CompiledFormula[] {
  const byKey = new Map(formulas.map((entry) => [entry.field.key, entry]));
  const done = new Set<string>();
  const ordered: CompiledFormula[] = [];
  const visit = (entry: CompiledFormula, depth: number): void => {
    if (done.has(entry.field.key) || depth > formulas.length) return;
    for (const ref of entry.formula.references) {
      const dependency = ref.hops.length === 0 && ref.module === slug ? byKey.get(ref.field) : undefined;
      if (dependency && dependency !== entry) visit(dependency, depth + 1);
    }
    if (!done.has(entry.field.key)) {
      done.add(entry.field.key);
      ordered.push(entry);
    }
  };
  for (const entry of formulas) visit(entry, 0);
  return ordered;
}

export interface RecordMeta {
  readonly id: string;
  readonly number: string;
  readonly ownerId: string;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function systemValue(key: string, meta: RecordMeta | StoredRecord, id: string): unknown {
  switch (key) {
    case 'id':
      return id;
    case 'record_number':
      return meta.number;
    case 'owner':
      return meta.ownerId;
    case 'created_by':
      return meta.createdBy;
    case 'updated_by':
      return meta.updatedBy;
    case 'created_at':
      return meta.createdAt instanceof Date ? meta.createdAt.toISOString() : null;
    case 'updated_at':
      return meta.updatedAt instanceof Date ? meta.updatedAt.toISOString() : null;
    default:
      return undefined;
  }
}

/** Reads the records on the module's relationship paths, one batched round trip per hop. */
async function gatherPathValues({
  reader,
  tenantId,
  references,
  data,
  meta,
}: {
  reader: ReadOps;
  tenantId: string;
  references: readonly FormulaReference[];
  data: Readonly<Record<string, unknown>>;
  meta: RecordMeta;
}): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>();
  // Records reached by each path prefix ("" = this record).
  const reached = new Map<string, { id: string; record: StoredRecord | null; data: Readonly<Record<string, unknown>> } | null>([
    ['', { id: meta.id, record: null, data }],
  ]);
  const depth = Math.max(0, ...references.map((ref) => ref.hops.length));
  for (let level = 1; level <= depth; level += 1) {
    const wanted = new Map<string, string>();
    for (const ref of references) {
      if (ref.hops.length < level) continue;
      const prefix = ref.path.slice(0, level).join('.');
      if (reached.has(prefix) || wanted.has(prefix)) continue;
      const parent = reached.get(ref.path.slice(0, level - 1).join('.'));
      const id = parent?.data[ref.path[level - 1] as string];
      if (typeof id === 'string' && id !== '') wanted.set(prefix, id);
      else reached.set(prefix, null);
    }
    if (wanted.size === 0) continue;
    const entries = [...wanted];
    const docs = await reader.getAll(entries.map(([, id]) => crmPaths.record(tenantId, id)));
    entries.forEach(([prefix, id], index) => {
      const doc = docs[index] as StoredDocument | null;
      const record = doc ? asStoredRecord(doc.data) : null;
      // A related record in the trash reads as blank, like an empty relationship.
      reached.set(prefix, record && !record.deleted ? { id, record, data: record.data } : null);
    });
  }
  for (const ref of references) {
    const owner = reached.get(ref.path.slice(0, -1).join('.'));
    const key = ref.path[ref.path.length - 1] as string;
    if (!owner) continue;
    const own = owner.data[key];
    const value = own !== undefined ? own : systemValue(key, owner.record ?? meta, owner.id);
    values.set(ref.path.join('.'), value);
  }
  return values;
}

/** A formula's result in its stored type's shape (cents, capped text). */
function storedResult(field: FieldDefinition, value: string | number | boolean | null): unknown {
  if (value === null) return null;
  switch (storedValueType(field)) {
    case 'currency':
      return typeof value === 'number' ? Math.round(value * 100) / 100 : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'checkbox':
      return typeof value === 'boolean' ? value : null;
    case 'text':
      return typeof value === 'string' ? value.slice(0, DEFAULT_MAX_LENGTH.text) : null;
    default:
      return typeof value === 'string' ? value : null;
  }
}

/**
 * Computes the module's formula fields into `data` and checks its validation
 * rules against the result. Throws an invalid-input error naming each broken
 * rule at its field. Returns the data to store and the record's next formula
 * due day (see engine/formulas/next-change.ts).
 */
export async function applyComputedFields({
  reader,
  tenantId,
  config,
  module,
  data,
  meta,
  now,
  checkRules = true,
}: {
  reader: ReadOps;
  tenantId: string;
  config: TenantConfig;
  module: ResolvedModule;
  data: Readonly<Record<string, unknown>>;
  meta: RecordMeta;
  now: Date;
  checkRules?: boolean;
}): Promise<{ data: Record<string, unknown>; formulaDue: string | null }> {
  const compiled = compileModule(config, module);
  const next: Record<string, unknown> = { ...data };
  if (compiled.formulas.length === 0 && (compiled.rules.length === 0 || !checkRules)) return { data: next, formulaDue: null };
  const timeZone = config.timezone ?? 'UTC';
  const values = await gatherPathValues({ reader, tenantId, references: compiled.references, data: next, meta });
  let formulaDue: string | null = null;
  for (const { field, formula } of compiled.formulas) {
    const inputs = { values, timeZone, now: now.getTime() };
    const result = evaluateFormula(formula, inputs);
    const value = result.ok ? storedResult(field, result.value) : null;
    if (value === null) delete next[field.key];
    else next[field.key] = value;
    // Later formulas of this record read the fresh value.
    values.set(field.key, value);
    const due = nextChangeDay(formula, inputs);
    if (due !== null && (formulaDue === null || due < formulaDue)) formulaDue = due;
  }
  if (checkRules) {
    const issues: FieldIssue[] = [];
    for (const { rule, formula } of compiled.rules) {
      const result = evaluateFormula(formula, { values, timeZone, now: now.getTime() });
      // Only an explicit false breaks a rule: a blank operand does not block a save.
      if (result.ok && result.value === false) {
        const message = resolveLabel(rule.message, 'en') || rule.key;
        issues.push({
          path: rule.field ? `data.${rule.field}` : 'data',
          message,
          messageKey: 'formulas.ruleFailed',
          params: { rule: rule.key, module: module.slug, message },
        });
      }
    }
    if (issues.length > 0) throw invalidInput(issues);
  }
  return { data: next, formulaDue };
}
