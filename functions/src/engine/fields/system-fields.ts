/**
 * Metadata every record carries outside its `data` map. Templates may reference
 * them (conditions, recent-records columns, filters) but may not define data
 * fields with these keys, so a name never means two things.
 */
export const SYSTEM_FIELD_TYPES = {
  id: 'text',
  record_number: 'text',
  owner: 'text',
  created_by: 'text',
  updated_by: 'text',
  created_at: 'datetime',
  updated_at: 'datetime',
} as const;

export type SystemFieldKey = keyof typeof SYSTEM_FIELD_TYPES;
export const SYSTEM_FIELD_KEYS = Object.keys(SYSTEM_FIELD_TYPES) as SystemFieldKey[];

export function isSystemFieldKey(key: string): key is SystemFieldKey {
  return Object.prototype.hasOwnProperty.call(SYSTEM_FIELD_TYPES, key);
}
