import type { DocumentStore } from '../../store/document-store.js';
import type { Widget } from '../../engine/template/dashboard-schema.js';
import { parseWidgetFilter } from '../../engine/dashboards/parse-filter.js';
import { MAX_ANY_VALUES } from '../../engine/dashboards/bucket-tokens.js';
import { resolveFieldPath } from '../../engine/paths/resolve-field-path.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import { compileSelection, type Selection } from './compile-selection.js';
import { WidgetConfigError } from './plan-widget.js';

/**
 * Dashboard filters through one relationship (`patient.gender` on an
 * appointments widget). Firestore cannot join, and reading every appointment
 * is not an option (dashboards cost O(1) in the number of records), so the
 * related side is filtered first: one query on the related module's facet
 * tokens for at most MAX_PATH_FILTER_IDS + 1 ids, then the widget filters its
 * relationship field on those ids (`patient` in [...]), which the fixed token
 * indexes answer like any relationship filter. Cost: one extra query of at
 * most 31 document reads per render. More matching related records than that
 * is answered with a clear per-widget error naming the path, never a partial
 * figure. One hop only, and one such filter per widget: it takes the widget's
 * one field-value filter (compile-selection.ts), so it combines with date
 * ranges (relationship facets carry date buckets) but not with a second
 * field filter.
 */
export const MAX_PATH_FILTER_IDS = MAX_ANY_VALUES;

/** Placeholder id used when a dashboard is saved (nothing is read then): any id plans the same queries. */
const PLANNING_ID = 'path-filter-check';

export interface PathFilter {
  /** The filter key as written, e.g. `patient.gender`. */
  readonly key: string;
  /** The relationship field on the widget's module. */
  readonly relationship: string;
  readonly target: ResolvedModule;
  /** The related records the filter keeps, as one token selection on the target module. */
  readonly selection: Selection;
}

export interface SplitPathFilter {
  /** The widget with the path filter replaced by a filter on its relationship (ids to be filled in). */
  readonly widget: Widget;
  readonly path: PathFilter | null;
}

/**
 * Finds the widget's path filter and checks it (synchronous, reads nothing:
 * saving a dashboard runs it). `ownerIdOf` gives the viewer's owner scope on
 * the target module (null: all records).
 */
export function splitPathFilter({
  widget,
  module,
  moduleOf,
  ownerIdOf,
  timeZone,
  today,
}: {
  widget: Widget;
  module: ResolvedModule;
  moduleOf: (slug: string) => ResolvedModule | null;
  ownerIdOf: (slug: string) => string | null;
  timeZone: string;
  today: string;
}): SplitPathFilter {
  const filter = widget.config.filter ?? {};
  const keys = Object.keys(filter).filter((key) => key.includes('.'));
  if (keys.length === 0) return { widget, path: null };
  if (keys.length > 1) throw new WidgetConfigError(`filter: "${keys[0]}" and "${keys[1]}" both go through a relationship; a figure may use one such filter`);
  const key = keys[0] as string;
  const parts = key.split('.');
  const resolved = resolveFieldPath(module.slug, parts, (slug) => moduleOf(slug)?.fields);
  if (!resolved.ok) throw new WidgetConfigError(`filter: "${key}": ${resolved.message}`);
  if (resolved.hops.length !== 1) {
    throw new WidgetConfigError(`filter: "${key}" follows ${resolved.hops.length} relationships; dashboard filters follow one (e.g. "patient.gender")`);
  }
  const relationship = resolved.hops[0]!.field;
  if (Object.hasOwn(filter, relationship)) throw new WidgetConfigError(`filter: "${key}" and "${relationship}" cannot be combined; keep one of them`);
  const target = moduleOf(resolved.module);
  if (!target) throw new WidgetConfigError(`filter: "${key}": module "${resolved.module}" is not enabled`);
  const parsed = parseWidgetFilter({ filter: { [resolved.field.key]: filter[key] }, fields: target.fields, today });
  if (!parsed.ok) throw new WidgetConfigError(parsed.message.replace(`"${resolved.field.key}"`, `"${key}"`));
  const [condition] = parsed.conditions;
  if (condition?.kind !== 'facet') {
    throw new WidgetConfigError(`filter: "${key}" is a date field of ${target.slug}; through a relationship a dashboard filters on values (select, checkbox, text...)`);
  }
  const compiled = compileSelection({ module: target, conditions: parsed.conditions, ownerId: ownerIdOf(target.slug), timeZone });
  if (!compiled.ok) throw new WidgetConfigError(`filter: "${key}": ${compiled.message}`);
  const { [key]: _path, ...rest } = filter;
  return {
    widget: { ...widget, config: { ...widget.config, filter: { ...rest, [relationship]: [PLANNING_ID] } } } as Widget,
    path: { key, relationship, target, selection: compiled.selection },
  };
}

/**
 * Reads the ids of the related records the path filter keeps (one query,
 * at most MAX_PATH_FILTER_IDS + 1 documents) and returns the widget filtered
 * on them. No related record matching keeps a filter that matches nothing.
 */
export async function applyPathFilter({
  split,
  store,
  collection,
}: {
  split: SplitPathFilter;
  store: DocumentStore;
  collection: string;
}): Promise<Widget> {
  const { path, widget } = split;
  if (!path) return widget;
  const tokens = path.selection.chunks.flat();
  const ids =
    tokens.length === 0
      ? []
      : (
          await store.query({
            collection,
            where: [tokens.length === 1 ? { field: 'tokens', op: 'array-contains', value: tokens[0] as string } : { field: 'tokens', op: 'array-contains-any', value: tokens }],
            limit: MAX_PATH_FILTER_IDS + 1,
          })
        ).map((doc) => doc.id);
  if (ids.length > MAX_PATH_FILTER_IDS) {
    throw new WidgetConfigError(
      `filter: "${path.key}" matches more than ${MAX_PATH_FILTER_IDS} ${path.target.slug} records; a filter through a relationship works on up to ${MAX_PATH_FILTER_IDS} related records — narrow it, or filter on a field of the widget's own module`,
    );
  }
  // A relationship facet for an id no record holds: the figure is "nothing matches" at the same query cost.
  const values = ids.length > 0 ? ids : [PLANNING_ID];
  return { ...widget, config: { ...widget.config, filter: { ...(widget.config.filter ?? {}), [path.relationship]: values } } } as Widget;
}
