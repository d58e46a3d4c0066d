import { useCallback, useState } from 'react';
import type { TModuleConfigView } from '@crm/api';
import { activeFields } from '../../../lib/tenant/tenant-session';

const HIDDEN_BY_DEFAULT = new Set(['textarea', 'file']);
const DEFAULT_COLUMN_COUNT = 6;

function storageKey(tenantId: string, module: string): string {
  return `crm-pro.columns.${tenantId}.${module}`;
}

/** Default columns: the first few short fields, the way a person would pick them. */
export function defaultColumns(module: TModuleConfigView): string[] {
  return activeFields(module)
    .filter((field) => !HIDDEN_BY_DEFAULT.has(field.type))
    .slice(0, DEFAULT_COLUMN_COUNT)
    .map((field) => field.key);
}

/** The user's column choice, remembered per tenant and module on this device. */
export function useColumnChoice(tenantId: string, module: TModuleConfigView) {
  const [columns, setColumnsState] = useState<string[]>(() => {
    try {
      const stored: unknown = JSON.parse(localStorage.getItem(storageKey(tenantId, module.slug)) ?? 'null');
      if (Array.isArray(stored) && stored.every((key) => typeof key === 'string')) return stored;
    } catch {
      // A corrupt entry just means defaults.
    }
    return defaultColumns(module);
  });
  const setColumns = useCallback(
    (next: string[]) => {
      setColumnsState(next);
      localStorage.setItem(storageKey(tenantId, module.slug), JSON.stringify(next));
    },
    [tenantId, module.slug],
  );
  const known = new Set(activeFields(module).map((field) => field.key));
  return { columns: columns.filter((key) => known.has(key)), setColumns };
}
