import { isSystemFieldKey, SYSTEM_FIELD_TYPES } from '../fields/system-fields.js';

/**
 * Relationship paths (`patient.primary_doctor.email` on an appointment): one
 * resolution used by formulas, workflow conditions and placeholders, so a
 * path means the same everywhere and is bounded the same way.
 *
 * Bound: at most MAX_PATH_HOPS relationships are followed, so resolving one
 * path costs at most 5 document reads (one per hop, each a get by id), and
 * records sharing a prefix share its reads.
 */
export const MAX_PATH_HOPS = 5;

export interface PathField {
  readonly key: string;
  readonly type: string;
  readonly options?: unknown;
  readonly active?: boolean;
}

/** The fields of a module, or undefined when the tenant has no such module. */
export type FieldsOf = (module: string) => readonly PathField[] | undefined;

export interface PathHop {
  /** The module the hop starts from and its relationship field. */
  readonly module: string;
  readonly field: string;
  /** The module the relationship points at. */
  readonly target: string;
}

export type ResolvedPath =
  | {
      ok: true;
      hops: readonly PathHop[];
      /** The module and field (or system field such as created_at) the path ends at. */
      module: string;
      field: PathField;
      system: boolean;
    }
  | {
      ok: false;
      message: string;
      /** Index of the path segment at fault. */
      segment: number;
      /** Why, for callers that word the message their own way (template checker). */
      reason: 'empty' | 'too-deep' | 'module' | 'unknown-field' | 'not-relationship';
      /** The module the faulty segment was looked up in. */
      module: string;
    };

function relatedModuleOf(field: PathField): string | undefined {
  const { options } = field;
  if (field.type !== 'relationship' || options === null || typeof options !== 'object' || Array.isArray(options)) return undefined;
  const target = (options as { related_module?: unknown }).related_module;
  return typeof target === 'string' ? target : undefined;
}

export function resolveFieldPath(module: string, path: readonly string[], fieldsOf: FieldsOf): ResolvedPath {
  if (path.length === 0) return { ok: false, message: 'an empty path', segment: 0, reason: 'empty', module };
  if (path.length - 1 > MAX_PATH_HOPS) {
    return { ok: false, message: `a path may follow at most ${MAX_PATH_HOPS} relationships`, segment: MAX_PATH_HOPS + 1, reason: 'too-deep', module };
  }
  const hops: PathHop[] = [];
  let current = module;
  for (let index = 0; index < path.length; index += 1) {
    const key = path[index] as string;
    const fields = fieldsOf(current);
    if (fields === undefined) return { ok: false, message: `module "${current}" is not enabled`, segment: index, reason: 'module', module: current };
    const last = index === path.length - 1;
    // Linear search over a list (never obj[key]): "constructor" or "__proto__" find nothing.
    const field = fields.find((candidate) => candidate.key === key && candidate.active !== false);
    if (field === undefined) {
      if (last && isSystemFieldKey(key)) {
        return { ok: true, hops, module: current, field: { key, type: SYSTEM_FIELD_TYPES[key] }, system: true };
      }
      return { ok: false, message: `"${key}" is not a field of ${current}`, segment: index, reason: 'unknown-field', module: current };
    }
    if (last) return { ok: true, hops, module: current, field, system: false };
    const target = relatedModuleOf(field);
    if (target === undefined) {
      return { ok: false, message: `"${key}" is not a relationship, so the path cannot continue after it`, segment: index, reason: 'not-relationship', module: current };
    }
    hops.push({ module: current, field: key, target });
    current = target;
  }
  return { ok: false, message: 'an empty path', segment: 0, reason: 'empty', module };
}

/**
 * The relationship prefixes a path reads through, shortest first:
 * `patient.primary_doctor.email` → `patient`, `patient.primary_doctor`.
 * A run loads one related record per distinct prefix (workflows key their
 * related records by prefix), so paths sharing a prefix share its read.
 */
export function pathPrefixes(path: readonly string[]): string[] {
  const prefixes: string[] = [];
  for (let length = 1; length < path.length && length <= MAX_PATH_HOPS; length += 1) prefixes.push(path.slice(0, length).join('.'));
  return prefixes;
}
