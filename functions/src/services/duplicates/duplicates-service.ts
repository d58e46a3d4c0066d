import { fieldAccessFor } from '../access/field-security.js';
import { checkDuplicateRules, DuplicateRulesSchema, type DuplicateRule } from '../../engine/duplicates/duplicate-rules.js';
import { canActOnRecord, canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import type { StoreValue } from '../../store/document-store.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { resolveModule, type ResolvedModule, type TenantConfig } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { moduleNotFound, requireScope } from '../records/records-service.js';
import { findDuplicateMatches, type DuplicateMatch } from './find-duplicates.js';

export const duplicatePaths = {
  rules: (tenantId: string, module: string) => `${crmPaths.tenant(tenantId)}/duplicate_rules/${module}`,
} as const;

type DuplicateDeps = Pick<Services, 'store' | 'configs'>;

export interface DuplicateRulesView {
  readonly module: string;
  readonly rules: DuplicateRule[];
  readonly updatedAt: string | null;
}

/** The module's duplicate rules; anyone who may read the module may see them (the form warns with them). */
export async function getDuplicateRules(services: DuplicateDeps, caller: Caller, moduleSlug: string): Promise<DuplicateRulesView> {
  const { config, module } = await moduleFor(services, caller, moduleSlug);
  requireScope(caller, config, module, 'read');
  return loadRules(services, caller.tenantId, module.slug);
}

export async function saveDuplicateRules(
  services: DuplicateDeps,
  caller: Caller,
  moduleSlug: string,
  input: unknown,
  now: Date = new Date(),
): Promise<DuplicateRulesView> {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins can change duplicate rules.', [], { messageKey: 'rollupsMerge.errors.duplicateRulesForbidden' });
  }
  const { module } = await moduleFor(services, caller, moduleSlug);
  const parsed = DuplicateRulesSchema.safeParse(input);
  if (!parsed.success) {
    throw invalidInput(parsed.error.issues.map((issue) => ({ path: ['rules', ...issue.path].join('.'), message: issue.message })));
  }
  const issues = checkDuplicateRules(parsed.data, module.fields);
  if (issues.length > 0) throw invalidInput(issues.map((issue) => ({ path: ['rules', ...issue.path].join('.'), message: issue.message })));
  await services.store.set(duplicatePaths.rules(caller.tenantId, module.slug), {
    module: module.slug,
    rules: JSON.parse(JSON.stringify(parsed.data)) as StoreValue,
    updatedAt: now,
    updatedBy: caller.uid,
  });
  return { module: module.slug, rules: parsed.data, updatedAt: now.toISOString() };
}

/**
 * Likely duplicates of a record being created or edited (the form asks
 * before it saves). Only records the caller may read are answered.
 */
export async function findDuplicates(
  services: DuplicateDeps,
  caller: Caller,
  input: { module: string; data: Record<string, unknown>; recordId?: string | undefined },
): Promise<{ matches: DuplicateMatch[] }> {
  const { config, module } = await moduleFor(services, caller, input.module);
  requireScope(caller, config, module, 'read');
  const { rules: allRules } = await loadRules(services, caller.tenantId, module.slug);
  // Field-level security: a rule over a field hidden from the caller would answer "some record has this
  // hidden value"; only rules over fields they may read apply, and a hidden display value is not shown.
  const access = fieldAccessFor(caller, config);
  const rules = allRules.filter((rule) => rule.conditions.every((condition) => access.canRead(module.slug, condition.field)));
  const displayHidden = module.displayField !== null && module.displayField !== undefined && !access.canRead(module.slug, module.displayField);
  const found = await findDuplicateMatches({
    reader: services.store,
    tenantId: caller.tenantId,
    module,
    rules,
    data: input.data,
    ...(input.recordId ? { excludeId: input.recordId } : {}),
    canRead: (record) => canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'read', ownerId: record.ownerId }),
  });
  return { matches: displayHidden ? found.map((match) => ({ ...match, display: null })) : found };
}

/**
 * For imports: likely duplicates of each row among the stored records, with
 * the rules loaded once. Rows are checked against the store, not against
 * each other (the importer knows its own rows). The importer's caller must
 * already hold create on the module; matches are filtered by read the same way.
 */
export async function findDuplicatesForRows(
  services: DuplicateDeps,
  caller: Caller,
  moduleSlug: string,
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
): Promise<DuplicateMatch[][]> {
  const { config, module } = await moduleFor(services, caller, moduleSlug);
  const { rules } = await loadRules(services, caller.tenantId, module.slug);
  if (!rules.some((rule) => rule.active)) return rows.map(() => []);
  const canRead = (record: { module: string; ownerId: string }) =>
    canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'read', ownerId: record.ownerId });
  const results: DuplicateMatch[][] = [];
  for (const data of rows) {
    results.push(await findDuplicateMatches({ reader: services.store, tenantId: caller.tenantId, module, rules, data, canRead }));
  }
  return results;
}

async function loadRules(services: DuplicateDeps, tenantId: string, module: string): Promise<DuplicateRulesView> {
  const doc = await services.store.get(duplicatePaths.rules(tenantId, module));
  if (!doc) return { module, rules: [], updatedAt: null };
  // Stored rules were valid when saved; a field removed since is skipped by the matcher (no value).
  const parsed = DuplicateRulesSchema.safeParse(doc.data.rules);
  const updatedAt = doc.data.updatedAt instanceof Date ? doc.data.updatedAt.toISOString() : null;
  return { module, rules: parsed.success ? parsed.data : [], updatedAt };
}

async function moduleFor(services: DuplicateDeps, caller: Caller, slug: string): Promise<{ config: TenantConfig; module: ResolvedModule }> {
  const config = await services.configs.require(caller.tenantId);
  const module = resolveModule(config, slug);
  if (!module) throw moduleNotFound(slug);
  return { config, module };
}
