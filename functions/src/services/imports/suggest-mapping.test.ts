import { describe, expect, it } from 'vitest';
import { FieldDefinitionSchema, type FieldDefinitionInput } from '../../engine/fields/field-definition.js';
import { suggestMapping } from './suggest-mapping.js';

const field = (input: Partial<FieldDefinitionInput> & Pick<FieldDefinitionInput, 'type'>) => FieldDefinitionSchema.parse({ key: 'f', label: 'F', ...input });

describe('suggestMapping', () => {
  const fields = [
    field({ key: 'full_name', label: { en: 'Full Name', es: 'Nombre completo' }, type: 'text' }),
    field({ key: 'date_of_birth', label: { en: 'Date of Birth', es: 'Fecha de nacimiento' }, type: 'date' }),
    field({ key: 'email', label: 'Email', type: 'email' }),
  ];

  it('matches headers by key or label in any language, accents and case ignored; a Number column is the record number', () => {
    expect(suggestMapping(['Nombre completo', 'FECHA DE NACIMIENTO', 'e-mail', 'Número', 'Notes'], fields)).toEqual([
      { column: 0, field: 'full_name' },
      { column: 1, field: 'date_of_birth' },
      { column: 2, field: 'email' },
      { column: 3, field: '_number' },
    ]);
  });

  it('suggests each field once', () => {
    expect(suggestMapping(['Email', 'email'], fields)).toEqual([{ column: 0, field: 'email' }]);
  });
});
