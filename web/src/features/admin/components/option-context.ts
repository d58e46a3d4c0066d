import { isValid, parseISO } from 'date-fns';
import { useMemo } from 'react';
import type { OptionInputsContext } from '@crm/engine/fields/types/option-inputs.js';
import type { TConfigView } from '@crm/api';

/** What option inputs need to become options: the tenant's modules (a roll-up's child fields) and the user's clock. */
export function optionContextFor(config: TConfigView | null): OptionInputsContext {
  return {
    fieldsOf: (slug) => config?.modules.find((module) => module.slug === slug)?.fields,
    localDateTimeToIso(text) {
      const date = parseISO(text);
      return isValid(date) ? date.toISOString() : null;
    },
  };
}

export function useOptionContext(config: TConfigView | null): OptionInputsContext {
  return useMemo(() => optionContextFor(config), [config]);
}
