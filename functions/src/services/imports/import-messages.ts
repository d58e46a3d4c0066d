import { FIELD_VALUE_MESSAGES, type FieldValueReason, type MessageParams } from '../../engine/fields/field-value-messages.js';

/**
 * Per-row import errors, in the importer's language. The error file is read
 * in a spreadsheet, far from the SPA's dictionaries, so the job writes the
 * sentence itself; the key and parameters are kept too (the wizard's preview
 * translates those with the SPA's `validation.*` / `imports.rowErrors.*` keys).
 */
export const IMPORT_ROW_REASONS = [
  'relationNotFound',
  'relationAmbiguous',
  'relationNoDisplay',
  'matchMissing',
  'matchNotFound',
  'matchAmbiguous',
  'matchInTrash',
  'numberInvalid',
  'duplicateInFile',
  'forbiddenUpdate',
  'uniqueTaken',
] as const;
export type ImportRowReason = (typeof IMPORT_ROW_REASONS)[number];

type Phrases = Record<ImportRowReason, (p: MessageParams) => string>;

const EN: Phrases = {
  relationNotFound: (p) => `"${p.field}": no ${p.module} record "${p.value}"`,
  relationAmbiguous: (p) => `"${p.field}": ${p.count} ${p.module} records are called "${p.value}"; use the record number`,
  relationNoDisplay: (p) => `"${p.field}": ${p.module} records cannot be found by name; use the record number`,
  matchMissing: (p) => `"${p.field}" is empty, so no record can be matched`,
  matchNotFound: (p) => `no record has "${p.field}" = "${p.value}"`,
  matchAmbiguous: (p) => `${p.count} records have "${p.field}" = "${p.value}"`,
  matchInTrash: (p) => `the matching record ${p.number} is in the trash`,
  numberInvalid: (p) => `"${p.value}" is not a record number of this module`,
  duplicateInFile: (p) => `row ${p.row} of this file already wrote this record`,
  forbiddenUpdate: (p) => `your role may not update ${p.number}`,
  uniqueTaken: (p) => `"${p.field}" is already used by ${p.number}`,
};

const ES: Phrases = {
  relationNotFound: (p) => `«${p.field}»: no hay ningún registro de ${p.module} «${p.value}»`,
  relationAmbiguous: (p) => `«${p.field}»: ${p.count} registros de ${p.module} se llaman «${p.value}»; usa el número de registro`,
  relationNoDisplay: (p) => `«${p.field}»: los registros de ${p.module} no se pueden buscar por nombre; usa el número de registro`,
  matchMissing: (p) => `«${p.field}» está vacío, así que no se puede buscar el registro`,
  matchNotFound: (p) => `ningún registro tiene «${p.field}» = «${p.value}»`,
  matchAmbiguous: (p) => `${p.count} registros tienen «${p.field}» = «${p.value}»`,
  matchInTrash: (p) => `el registro ${p.number} que coincide está en la papelera`,
  numberInvalid: (p) => `«${p.value}» no es un número de registro de este módulo`,
  duplicateInFile: (p) => `la fila ${p.row} de este archivo ya escribió este registro`,
  forbiddenUpdate: (p) => `tu rol no puede modificar ${p.number}`,
  uniqueTaken: (p) => `«${p.field}» ya lo usa ${p.number}`,
};

const ES_VALIDATION: Record<FieldValueReason, (p: MessageParams) => string> = {
  computed: (p) => `«${p.field}» se calcula con su fórmula y no se puede escribir`,
  required: (p) => `«${p.field}»: este dato es obligatorio`,
  notText: (p) => `«${p.field}» debe ser texto`,
  maxLength: (p) => `«${p.field}» admite como máximo ${p.max} caracteres`,
  minLength: (p) => `«${p.field}» necesita al menos ${p.min} caracteres`,
  email: (p) => `«${p.field}» debe ser un correo electrónico como nombre@ejemplo.com`,
  phone: (p) => `«${p.field}» debe ser un teléfono como +34 600 123 456 (de 7 a 20 dígitos)`,
  url: (p) => `«${p.field}» debe ser una dirección web que empiece por http:// o https://`,
  pattern: (p) => `«${p.field}» debe seguir el patrón ${p.pattern}`,
  notNumber: (p) => `«${p.field}» debe ser un número`,
  tooLarge: (p) => `«${p.field}» es demasiado grande`,
  currencyDecimals: (p) => `«${p.field}» admite como máximo 2 decimales`,
  min: (p) => `«${p.field}» debe ser como mínimo ${p.min}`,
  max: (p) => `«${p.field}» debe ser como máximo ${p.max}`,
  date: (p) => `«${p.field}» debe ser una fecha como 2026-03-01`,
  datetime: (p) => `«${p.field}» debe ser una fecha y una hora`,
  oneOf: (p) => `«${p.field}» debe ser uno de: ${p.choices}`,
  notList: (p) => `«${p.field}» debe ser una lista de opciones`,
  onlyChoices: (p) => `«${p.field}» solo admite: ${p.choices}`,
  duplicateChoice: (p) => `«${p.field}» incluye «${p.value}» dos veces`,
  boolean: (p) => `«${p.field}» debe ser sí o no`,
  recordId: (p) => `«${p.field}» debe ser un registro existente`,
  fileShape: (p) => `«${p.field}» debe ser un enlace a un archivo`,
  fileUnexpectedKeys: (p) => `«${p.field}» debe ser un enlace a un archivo`,
  fileLocation: (p) => `«${p.field}» debe indicar dónde está el archivo`,
  filePath: (p) => `«${p.field}» tiene una ruta de almacenamiento no válida`,
  fileUrl: (p) => `«${p.field}» tiene una dirección de archivo no válida`,
  fileSize: (p) => `«${p.field}» tiene un tamaño de archivo no válido`,
  fileContentType: (p) => `«${p.field}» tiene un tipo de archivo no válido`,
  inactive: (p) => `«${p.field}» ya no se usa y no se puede cambiar`,
  unknownField: (p) => `«${p.field}» no es un campo de este módulo`,
};

export type ImportLanguage = 'en' | 'es';

/** The sentence for a message key (`validation.x` or `imports.rowErrors.x`) in the language. */
export function importMessage(messageKey: string, params: MessageParams, language: ImportLanguage): string {
  const [scope, reason = ''] = messageKey.startsWith('imports.rowErrors.') ? ['row', messageKey.slice('imports.rowErrors.'.length)] : ['validation', messageKey.replace(/^validation\./, '')];
  if (scope === 'row' && isRowReason(reason)) return (language === 'es' ? ES : EN)[reason](params);
  if (isValidationReason(reason)) {
    return language === 'es' ? ES_VALIDATION[reason](params) : `"${params.field}" ${FIELD_VALUE_MESSAGES[reason](params)}`;
  }
  return String(params.message ?? messageKey);
}

export function rowErrorKey(reason: ImportRowReason): string {
  return `imports.rowErrors.${reason}`;
}

function isRowReason(reason: string): reason is ImportRowReason {
  return (IMPORT_ROW_REASONS as readonly string[]).includes(reason);
}

function isValidationReason(reason: string): reason is FieldValueReason {
  return Object.prototype.hasOwnProperty.call(FIELD_VALUE_MESSAGES, reason);
}
