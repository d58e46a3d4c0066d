import type { DashboardLayout } from '../../engine/template/dashboard-schema.js';
import { MAX_INDEXED_FIELDS, indexedFieldsOf, planIndexSlots, widgetValueFields } from '../../engine/template/index-slots.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import type { ModuleConfig, TenantConfig } from './tenant-config.js';

/** A slot a reindex job must fill before dashboards and sorts may use it. */
export interface SlotToBackfill {
  readonly module: string;
  readonly field: string;
  readonly slot: number;
}

/**
 * Marks the numeric fields a template's dashboards sum, average or min/max as
 * indexed, so every default dashboard is served by index slots (the template
 * validator counts them against each module's MAX_INDEXED_FIELDS).
 */
export function indexDashboardFields(modules: readonly ModuleConfig[], layout: DashboardLayout | undefined): ModuleConfig[] {
  const wanted = new Map<string, Set<string>>();
  for (const dashboard of Object.values(layout ?? {})) {
    for (const widget of dashboard.widgets) {
      const keys = wanted.get(widget.config.module) ?? new Set<string>();
      for (const key of widgetValueFields(widget)) keys.add(key);
      wanted.set(widget.config.module, keys);
    }
  }
  return modules.map((module) => {
    const keys = wanted.get(module.slug);
    if (!keys || keys.size === 0) return module;
    return { ...module, fields: module.fields.map((field) => (keys.has(field.key) && field.indexed !== true ? { ...field, indexed: true } : field)) };
  });
}

/**
 * Gives every indexed field of `next` a slot, keeping the slots `previous`
 * assigned. A slot newly given in a module that has records is `backfilling`
 * and returned, for a reindex job to fill.
 */
export function assignIndexSlots<T extends Pick<TenantConfig, 'modules'>>({
  previous,
  next,
  hasRecords,
}: {
  previous: Pick<TenantConfig, 'modules'> | null;
  next: T;
  /** Whether the module may already hold records (then new slots need a backfill). */
  hasRecords: (module: string) => boolean;
}): { config: T; backfill: SlotToBackfill[] } {
  const backfill: SlotToBackfill[] = [];
  const modules = next.modules.map((module) => {
    const indexed = indexedFieldsOf(module.fields);
    if (indexed.length > MAX_INDEXED_FIELDS) {
      throw new CrmError(
        CRM_ERROR_CODES.invalidInput,
        `Module "${module.slug}" would have ${indexed.length} indexed fields (${indexed.map((field) => field.key).join(', ')}); at most ${MAX_INDEXED_FIELDS} can be indexed. Un-index one of them first.`,
        [{ path: `${module.slug}.fields`, message: `at most ${MAX_INDEXED_FIELDS} indexed fields` }],
      );
    }
    const before = previous?.modules.find((candidate) => candidate.slug === module.slug)?.index_slots ?? module.index_slots;
    const planned = planIndexSlots({ previous: before, fields: module.fields, moduleIsEmpty: !hasRecords(module.slug) });
    for (const slot of planned.slots) if (slot.state === 'backfilling') backfill.push({ module: module.slug, field: slot.field, slot: slot.slot });
    return { ...module, index_slots: planned.slots };
  });
  return { config: { ...next, modules }, backfill };
}
