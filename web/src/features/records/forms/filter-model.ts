import { isValid, parseISO } from 'date-fns';
import type { TRecordFilter } from '@crm/api';
import type { FieldType } from '@crm/engine/fields/field-definition.js';

export type FilterOp = TRecordFilter['op'];

/** Operators that make sense per field type (and that the server's list planner accepts). */
export function operatorsFor(type: FieldType): FilterOp[] {
  switch (type) {
    case 'text':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url':
      return ['contains', 'eq'];
    case 'number':
    case 'currency':
    case 'date':
    case 'datetime':
      return ['eq', 'gte', 'lte', 'gt', 'lt'];
    case 'select':
    case 'multi_select':
    case 'checkbox':
    case 'relationship':
      return ['eq'];
    case 'file':
      return [];
  }
}

/** The filter's input text → the typed value the server compares with; null when not usable yet. */
export function filterValueFor(type: FieldType, input: string): TRecordFilter['value'] | null {
  const text = input.trim();
  if (text === '') return null;
  switch (type) {
    case 'number':
    case 'currency': {
      const number = Number(text);
      return Number.isFinite(number) ? number : null;
    }
    case 'checkbox':
      return text === 'true';
    case 'datetime': {
      const date = parseISO(text);
      return isValid(date) ? date.toISOString() : null;
    }
    default:
      return text;
  }
}
