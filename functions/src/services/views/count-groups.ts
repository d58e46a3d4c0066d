import { assertQueryable, fieldAccessFor } from '../access/field-security.js';
import type { DocumentStore } from '../../store/document-store.js';
import { selectOptionValues } from '../../engine/fields/field-definition.js';
import type { Caller } from '../caller.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule } from '../config/tenant-config.js';
import { invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import { moduleNotFound, requireScope } from '../records/records-service.js';
import { facetToken, normalizeFacetValue, ownerScoped } from '../records/record-tokens.js';

/** A group-by field with more options than this is refused (each option is one count aggregation). */
export const MAX_GROUPS = 50;

/**
 * Records per option of a select field, for table sections: one `count`
 * aggregation per option over the facet token (owner-scoped for `read_own`)
 * plus one for the module, never reading a record; "no value" is the rest.
 * Aggregations bill one read per 1,000 index entries counted.
 */
export async function countGroups(
  deps: { store: DocumentStore; configs: ConfigStore },
  caller: Caller,
  input: { module: string; field: string },
): Promise<{ groups: Array<{ value: string | null; count: number }>; total: number }> {
  const config = await deps.configs.require(caller.tenantId);
  const module = resolveModule(config, input.module);
  if (!module) throw moduleNotFound(input.module);
  const scope = requireScope(caller, config, module, 'read');
  const field = module.activeFields.find((candidate) => candidate.key === input.field);
  if (!field || field.type !== 'select') throw invalidInput([{ path: 'field', message: `"${input.field}" is not a select field of this module` }]);
  // Counts per value of a hidden field would tell its values: refused like a filter on it.
  assertQueryable(config, module.slug, { sort: field.key }, fieldAccessFor(caller, config));
  const options = selectOptionValues(field);
  if (options.length > MAX_GROUPS) throw invalidInput([{ path: 'field', message: `group by a field with at most ${MAX_GROUPS} options` }]);
  const scoped = (token: string) => (scope === 'own' ? ownerScoped(module.slug, caller.uid, token) : token);
  const collection = crmPaths.records(caller.tenantId);
  const count = async (token: string) => {
    const result = await deps.store.aggregate({ collection, where: [{ field: 'tokens', op: 'array-contains', value: token }] }, { n: { op: 'count' } });
    return Number(result.n ?? 0);
  };
  const [total, ...counts] = await Promise.all([
    count(scoped(module.slug)),
    ...options.map((option) => count(scoped(facetToken(module.slug, field.key, normalizeFacetValue(field, option) as string)))),
  ]);
  const grouped = counts.reduce((sum, value) => sum + value, 0);
  return {
    groups: [...options.map((value, index) => ({ value, count: counts[index] ?? 0 })), { value: null, count: Math.max(0, (total ?? 0) - grouped) }],
    total: total ?? 0,
  };
}
