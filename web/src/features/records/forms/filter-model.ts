import { isValid, parseISO } from 'date-fns';
import type { TRecordFilter } from '@crm/api';
import type { FieldType } from '@crm/engine/fields/field-definition.js';
import { storedValueModule } from '@crm/engine/fields/types/registry.js';

export type FilterOp = TRecordFilter['op'];

type FieldLike = FieldType | { type: string; options?: unknown };

function moduleOf(field: FieldLike) {
  return storedValueModule(typeof field === 'string' ? { type: field } : field);
}

/** Operators that make sense per field type (and that the server's list planner accepts); the type's module decides. */
export function operatorsFor(field: FieldLike): FilterOp[] {
  return [...moduleOf(field).filterOperators];
}

/** The filter's input text → the typed value the server compares with; null when not usable yet. */
export function filterValueFor(field: FieldLike, input: string): TRecordFilter['value'] | null {
  return moduleOf(field).parseFilterInput(input, {
    localDateTimeToIso(text) {
      const date = parseISO(text);
      return isValid(date) ? date.toISOString() : null;
    },
  });
}
