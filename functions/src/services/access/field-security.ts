import { parseFormula } from '../../engine/formulas/parse-formula.js';
import type { FormulaNode } from '../../engine/formulas/formula-ast.js';
import {
  findUnqueryable,
  findUnwritable,
  FULL_FIELD_ACCESS,
  redactRecord,
  resolveFieldAccess,
  type FieldAccess,
  type RedactableRecord,
} from '../../engine/permissions/field-access.js';
import type { Actor } from '../../engine/permissions/evaluate-permission.js';
import { resolveLabel } from '../../engine/template/localized-text.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';

/**
 * Field-level security as services apply it. A `ReadScope` is what a read
 * path needs to turn a stored record into what the caller may see; every
 * record view is built through one (record-model.ts `toRecordView` takes it
 * as a required argument, so a new read path cannot forget it).
 */
export interface ReadScope {
  readonly access: FieldAccess;
  redact<T extends RedactableRecord>(record: T): T;
}

export function readScopeFor(actor: Actor, config: TenantConfig): ReadScope {
  const access = fieldAccessFor(actor, config);
  return scopeOf(access, config);
}

/**
 * For server-internal reads that no user sees as such (workflow runs,
 * migrations, display refresh): everything. Use only where the output does
 * not go back to a user; a user-facing path takes `readScopeFor(caller, ...)`.
 */
export const SYSTEM_READ_SCOPE: ReadScope = { access: FULL_FIELD_ACCESS, redact: (record) => record };

export function fieldAccessFor(actor: Actor, config: TenantConfig): FieldAccess {
  const access = resolveFieldAccess({ actor, fieldPermissions: config.fieldPermissions });
  return access.unrestricted ? access : withComputedFieldsHidden(access, config);
}

/**
 * A computed field (formula, roll-up) shows what it reads: when it reads a
 * field hidden from the caller — directly, through a relationship path, or
 * through another computed field — it is hidden from the caller too
 * (issue 16: "formula and roll-up results that read a hidden field").
 * Worked out to a fixpoint over the tenant's computed fields.
 */
function withComputedFieldsHidden(base: FieldAccess, config: TenantConfig): FieldAccess {
  const extra = new Map<string, Set<string>>();
  const isHidden = (module: string, field: string) => !base.canRead(module, field) || (extra.get(module)?.has(field) ?? false);
  const reads = computedFieldReads(config);
  for (let changed = true; changed; ) {
    changed = false;
    for (const { module, field, paths } of reads) {
      if (isHidden(module, field)) continue;
      if (paths.some((path) => path.some(([m, f]) => isHidden(m, f)))) {
        if (!extra.has(module)) extra.set(module, new Set());
        extra.get(module)!.add(field);
        changed = true;
      }
    }
  }
  if (extra.size === 0) return base;
  return {
    unrestricted: false,
    level: (module, field) => (extra.get(module)?.has(field) ? 'none' : base.level(module, field)),
    hidden: (module) => new Set([...base.hidden(module), ...(extra.get(module) ?? [])]),
    canRead: (module, field) => !(extra.get(module)?.has(field) ?? false) && base.canRead(module, field),
  };
}

/** Every computed field with the (module, field) steps of each path it reads. */
function computedFieldReads(config: TenantConfig): Array<{ module: string; field: string; paths: Array<Array<[string, string]>> }> {
  const out: Array<{ module: string; field: string; paths: Array<Array<[string, string]>> }> = [];
  for (const entry of config.modules) {
    const module = resolveModule(config, entry.slug);
    if (!module) continue;
    for (const field of module.fields) {
      const paths: string[][] = [];
      if (field.type === 'formula') {
        const expression = (field.options as { expression?: unknown } | undefined)?.expression;
        if (typeof expression === 'string') {
          try {
            collectFieldPaths(parseFormula(expression), paths);
          } catch {
            // A formula that no longer parses computes nothing: it reads nothing.
          }
        }
        out.push({ module: module.slug, field: field.key, paths: paths.map((path) => stepsOf(config, module.slug, path)) });
      } else if ((field.type as string) === 'rollup') {
        const options = field.options as { relationship?: { module?: string; field?: string }; field?: string } | undefined;
        const child = options?.relationship?.module;
        if (!child) continue;
        const steps: Array<[string, string]> = [];
        if (options.relationship?.field) steps.push([child, options.relationship.field]);
        if (options.field) steps.push([child, options.field]);
        out.push({ module: module.slug, field: field.key, paths: [steps] });
      }
    }
  }
  return out;
}

function collectFieldPaths(node: FormulaNode, into: string[][]): void {
  switch (node.kind) {
    case 'field':
      into.push([...node.path]);
      return;
    case 'negate':
      collectFieldPaths(node.operand, into);
      return;
    case 'binary':
      collectFieldPaths(node.left, into);
      collectFieldPaths(node.right, into);
      return;
    case 'call':
      for (const arg of node.args) collectFieldPaths(arg, into);
      return;
    default:
      return;
  }
}

/** `patient.primary_doctor.email` on appointments → [[appointments, patient], [patients, primary_doctor], [doctors, email]]. */
function stepsOf(config: TenantConfig, startModule: string, path: readonly string[]): Array<[string, string]> {
  const steps: Array<[string, string]> = [];
  let module: string | null = startModule;
  for (const key of path) {
    if (module === null) break;
    steps.push([module, key]);
    const field: { options?: unknown } | undefined = resolveModule(config, module)?.fields.find((candidate) => candidate.key === key);
    module = (field?.options as { related_module?: string } | undefined)?.related_module ?? null;
  }
  return steps;
}

/**
 * The first step of a field path (`patient.primary_doctor.email` on appointments) that the
 * caller may not read, or null when every step is readable. A path through a hidden
 * relationship reveals what the relationship points at, so every step counts, not the last.
 */
export function firstHiddenStep(
  config: TenantConfig,
  access: FieldAccess,
  module: string,
  path: readonly string[],
): { module: string; field: string } | null {
  if (access.unrestricted) return null;
  for (const [stepModule, field] of stepsOf(config, module, path)) {
    if (!access.canRead(stepModule, field)) return { module: stepModule, field };
  }
  return null;
}

/** The module a relationship path prefix leads to (`patient.primary_doctor` on appointments → doctors), or null. */
export function moduleAtPrefix(config: TenantConfig, module: string, prefix: readonly string[]): string | null {
  const steps = stepsOf(config, module, [...prefix, '']);
  return steps.length === prefix.length + 1 ? (steps[prefix.length]?.[0] ?? null) : null;
}

function scopeOf(access: FieldAccess, config: TenantConfig): ReadScope {
  if (access.unrestricted) return { access, redact: (record) => record };
  const displayFieldOf = (module: string) => resolveModule(config, module)?.displayField ?? null;
  const relatedDisplayOf = (module: string, field: string) => {
    const options = resolveModule(config, module)?.fields.find((candidate) => candidate.key === field)?.options as
      | { related_module?: string; display_field?: string }
      | undefined;
    if (!options?.related_module) return null;
    return { module: options.related_module, field: options.display_field ?? resolveModule(config, options.related_module)?.displayField ?? '' };
  };
  return { access, redact: (record) => redactRecord(record, access, { displayFieldOf, relatedDisplayOf }) };
}

/**
 * Refuses a write that sets a hidden field or changes a read-only one,
 * naming the first such field (`permission-denied`; nothing is written).
 * `current` is the record's data before an update (null on create).
 */
export function assertWritable(
  config: TenantConfig,
  module: string,
  data: Readonly<Record<string, unknown>>,
  access: FieldAccess,
  current: Readonly<Record<string, unknown>> | null,
): void {
  const [violation] = findUnwritable(module, data, access, current);
  if (!violation) return;
  const label = fieldLabel(config, module, violation.field);
  throw new CrmError(
    CRM_ERROR_CODES.forbidden,
    violation.level === 'read' ? `Your role may read "${label}" but not change it.` : `Your role may not set "${label}".`,
    [],
    {
      messageKey: violation.level === 'read' ? 'access.errors.fieldReadOnly' : 'access.errors.fieldHidden',
      params: { field: label },
      field: `data.${violation.field}`,
    },
  );
}

/** Refuses a list that filters or sorts on a field the caller may not read (the answer would reveal its values). */
export function assertQueryable(
  config: TenantConfig,
  module: string,
  query: { filters?: ReadonlyArray<{ field: string }> | undefined; sort?: string | undefined },
  access: FieldAccess,
): void {
  const [field] = findUnqueryable(module, query, access);
  if (field === undefined) return;
  // Named by key, which the caller sent: the label of a hidden field is not theirs to learn.
  throw new CrmError(CRM_ERROR_CODES.forbidden, `Your role may not filter or sort on "${field}".`, [], {
    messageKey: 'access.errors.fieldNotQueryable',
    params: { field },
    field: query.sort === field ? 'sort' : 'filters',
  });
}

function fieldLabel(config: TenantConfig, module: string, key: string): string {
  const field = resolveModule(config, module)?.fields.find((candidate) => candidate.key === key);
  return field ? resolveLabel(field.label, 'en') : key;
}

export const REDACTED_MARK = '•••';

/**
 * Replaces every occurrence of a hidden value in the strings of `output`
 * (a workflow dry run's rendered mails, webhook bodies, messages). Used where
 * hidden values may have been interpolated into text the caller sees.
 */
export function scrubHiddenValues<T>(output: T, hiddenValues: readonly unknown[]): T {
  const needles = [...new Set(hiddenValues.flatMap((value) => (Array.isArray(value) ? value : [value])).flatMap((value) =>
    typeof value === 'string' || typeof value === 'number' ? [String(value).trim()] : [],
  ))].filter((needle) => needle.length > 0).sort((a, b) => b.length - a.length);
  if (needles.length === 0) return output;
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return needles.reduce((text, needle) => text.split(needle).join(REDACTED_MARK), value);
    if (Array.isArray(value)) return value.map(scrub);
    if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, scrub(entry)]));
    }
    return value;
  };
  return scrub(output) as T;
}
