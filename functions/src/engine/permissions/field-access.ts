/**
 * Field-level security: per role and field, `edit` (default), `read`
 * (read-only) or `none` (hidden). Pure, so the SPA decides what to show with
 * the same function the server uses to decide what to return and accept.
 *
 * Every read path passes records through `redactRecord`, every write path
 * through `findUnwritable`, every query through `findUnqueryable`. A service
 * that has no caller (workflow runs, migrations) uses FULL_FIELD_ACCESS,
 * explicitly, so a reader can see the choice was made.
 */
import type { FieldLevel, FieldPermissions } from '../template/permissions-schema.js';
import type { Actor } from './evaluate-permission.js';

export type { FieldLevel, FieldPermissions } from '../template/permissions-schema.js';

export interface FieldAccess {
  /** True when no field of any module is restricted for this caller: redaction is a no-op. */
  readonly unrestricted: boolean;
  level(module: string, field: string): FieldLevel;
  /** Keys of the module's hidden fields. */
  hidden(module: string): ReadonlySet<string>;
  canRead(module: string, field: string): boolean;
}

const NOTHING: ReadonlySet<string> = new Set();

export const FULL_FIELD_ACCESS: FieldAccess = {
  unrestricted: true,
  level: () => 'edit',
  hidden: () => NOTHING,
  canRead: () => true,
};

/** The caller's field levels. Owners and super admins are never restricted. */
export function resolveFieldAccess({ actor, fieldPermissions }: { actor: Actor; fieldPermissions: FieldPermissions | undefined }): FieldAccess {
  if (actor.platformRole === 'super_admin' || actor.role === 'owner') return FULL_FIELD_ACCESS;
  // A platform user without a tenant role sees what the most restricted role sees.
  const role = actor.role ?? 'member';
  const byModule = fieldPermissions?.[role] ?? {};
  const restricted = Object.values(byModule).some((fields) => Object.values(fields).some((level) => level !== 'edit'));
  if (!restricted) return FULL_FIELD_ACCESS;
  const hiddenByModule = new Map<string, ReadonlySet<string>>();
  for (const [module, fields] of Object.entries(byModule)) {
    hiddenByModule.set(module, new Set(Object.entries(fields).filter(([, level]) => level === 'none').map(([key]) => key)));
  }
  return {
    unrestricted: false,
    level: (module, field) => byModule[module]?.[field] ?? 'edit',
    hidden: (module) => hiddenByModule.get(module) ?? NOTHING,
    canRead: (module, field) => (byModule[module]?.[field] ?? 'edit') !== 'none',
  };
}

/** What a record view carries that can show field values. */
export interface RedactableRecord {
  readonly module: string;
  readonly data: Record<string, unknown>;
  readonly display: string | null;
  readonly related: Record<string, { readonly id: string; readonly display: string | null }>;
}

/**
 * The record without what the caller may not see:
 *  - hidden fields' values are removed from `data` (absent, not null, so a
 *    client cannot tell "empty" from "hidden" by value);
 *  - the record's own display value goes to null when its display field is hidden;
 *  - a hidden relationship field loses its `related` entry; a visible one keeps
 *    the related record's id, and its display value is dropped when the
 *    related module's display field is hidden from the caller (the SPA then
 *    shows the related record's number).
 */
export function redactRecord<T extends RedactableRecord>(
  record: T,
  access: FieldAccess,
  context: {
    displayFieldOf: (module: string) => string | null;
    /** The related module and the field of it a relationship field displays. */
    relatedDisplayOf: (module: string, field: string) => { module: string; field: string } | null;
  },
): T {
  if (access.unrestricted) return record;
  const hidden = access.hidden(record.module);
  const data = Object.fromEntries(Object.entries(record.data).filter(([key]) => !hidden.has(key)));
  const ownDisplay = context.displayFieldOf(record.module);
  const display = ownDisplay !== null && hidden.has(ownDisplay) ? null : record.display;
  const related: Record<string, { id: string; display: string | null }> = {};
  for (const [key, ref] of Object.entries(record.related)) {
    if (hidden.has(key)) continue;
    const shown = context.relatedDisplayOf(record.module, key);
    const display = shown !== null && !access.canRead(shown.module, shown.field) ? null : ref.display;
    related[key] = { id: ref.id, display };
  }
  return { ...record, data, display, related };
}

/** Keys of `data` the caller may read: the rest is dropped (history entries, previews). */
export function redactFields<V>(module: string, values: Readonly<Record<string, V>>, access: FieldAccess): Record<string, V> {
  if (access.unrestricted) return { ...values };
  const hidden = access.hidden(module);
  return Object.fromEntries(Object.entries(values).filter(([key]) => !hidden.has(key)));
}

export interface FieldViolation {
  readonly field: string;
  readonly level: Exclude<FieldLevel, 'edit'>;
}

/**
 * Fields of a write the caller may not make. A read-only field may be sent
 * with its current value (forms send what they show), never changed; a
 * hidden field may not be sent at all.
 */
export function findUnwritable(
  module: string,
  data: Readonly<Record<string, unknown>>,
  access: FieldAccess,
  current: Readonly<Record<string, unknown>> | null,
): FieldViolation[] {
  if (access.unrestricted) return [];
  const violations: FieldViolation[] = [];
  for (const [key, value] of Object.entries(data)) {
    const level = access.level(module, key);
    if (level === 'none') violations.push({ field: key, level });
    else if (level === 'read' && !sameValue(value, current?.[key])) violations.push({ field: key, level });
  }
  return violations;
}

/** Fields a list query names (filter, sort) that the caller may not read. */
export function findUnqueryable(module: string, query: { filters?: ReadonlyArray<{ field: string }> | undefined; sort?: string | undefined }, access: FieldAccess): string[] {
  if (access.unrestricted) return [];
  const named = [...(query.filters ?? []).map((filter) => filter.field), ...(query.sort !== undefined ? [query.sort] : [])];
  return [...new Set(named.filter((field) => !access.canRead(module, field)))];
}

function sameValue(a: unknown, b: unknown): boolean {
  const empty = (value: unknown) => value === undefined || value === null || value === '';
  if (empty(a) && empty(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}
