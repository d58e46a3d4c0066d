import type { FieldDefinition } from '../../engine/fields/field-definition.js';
import { MATCH_BY_NUMBER, type ColumnMapping } from './import-params.js';

/** Names a record-number column goes by (compared normalized). */
const NUMBER_HEADERS = ['number', 'recordnumber', 'record', 'numero', 'numeroderegistro', 'no', 'nr', 'id'];

/** Lower case, no accents, letters and digits only: "Fecha de nacimiento" → "fechadenacimiento". */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function namesOf(field: FieldDefinition): string[] {
  const labels = typeof field.label === 'string' ? [field.label] : Object.values(field.label ?? {});
  return [field.key, ...labels.filter((label): label is string => typeof label === 'string')].map(normalizeHeader);
}

/**
 * Column → field suggestions by key or label in any language, exact after
 * normalization first, then one containing the other ("Patient full name" →
 * full_name). Each field is suggested once; a "Number" column maps to the
 * record number (a match key).
 */
export function suggestMapping(header: readonly string[], fields: readonly FieldDefinition[]): ColumnMapping[] {
  const active = fields.filter((field) => field.active);
  const taken = new Set<string>();
  const result: ColumnMapping[] = [];
  const normalized = header.map(normalizeHeader);
  const pass = (matches: (name: string, candidate: string) => boolean) => {
    normalized.forEach((name, column) => {
      if (name === '' || result.some((entry) => entry.column === column)) return;
      const field = active.find((candidate) => !taken.has(candidate.key) && namesOf(candidate).some((candidateName) => matches(name, candidateName)));
      if (field) {
        taken.add(field.key);
        result.push({ column, field: field.key });
      }
    });
  };
  pass((name, candidate) => name === candidate);
  normalized.forEach((name, column) => {
    if (!taken.has(MATCH_BY_NUMBER) && NUMBER_HEADERS.includes(name) && !result.some((entry) => entry.column === column)) {
      taken.add(MATCH_BY_NUMBER);
      result.push({ column, field: MATCH_BY_NUMBER });
    }
  });
  pass((name, candidate) => candidate.length >= 4 && name.length >= 4 && (name.includes(candidate) || candidate.includes(name)));
  return result.sort((a, b) => a.column - b.column);
}
