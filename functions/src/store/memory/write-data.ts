/**
 * Validation, deep copies and write application (set / merge / update /
 * transforms), as pure functions over plain document data.
 *
 * Stored maps are created with a null prototype so that no key, whatever it
 * is, can reach `Object.prototype`; keys matching `__.*__` are refused anyway
 * because Firestore reserves them.
 */
import {
  StoreError,
  type DocumentData,
  type FieldTransform,
  type StoreValue,
  type UpdateData,
  type WriteData,
} from '../document-store.js';
import { valuesEqual } from './compare-values.js';
import { formatFieldPath, parseFieldPath } from './paths.js';

const RESERVED_FIELD = /^__.*__$/;
const MAX_DEPTH = 20;
const TRANSFORM_KINDS = new Set(['increment', 'delete', 'arrayUnion', 'arrayRemove']);

type PlainMap = { [key: string]: StoreValue };

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name ? `an instance of ${name}` : 'an object';
  }
  return `a ${typeof value}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A transform marker as produced by `fieldValue.*` (checked structurally). */
export function asTransform(value: unknown): FieldTransform | null {
  if (!isPlainObject(value) || !('__transform' in value)) return null;
  const kind = value['__transform'];
  if (typeof kind !== 'string' || !TRANSFORM_KINDS.has(kind)) {
    throw new StoreError('invalid-argument', `Unknown field transform "${String(kind)}".`);
  }
  return value as unknown as FieldTransform;
}

export function newMap(): PlainMap {
  return Object.create(null) as PlainMap;
}

function checkKey(key: string, where: string): void {
  if (key.length === 0) throw new StoreError('invalid-argument', `${where}: field names must not be empty.`);
  if (RESERVED_FIELD.test(key)) {
    throw new StoreError('invalid-argument', `${where}: field name "${key}" is reserved (names matching __.*__ are reserved by Firestore).`);
  }
}

/**
 * Validates a plain value and returns an internal deep copy.
 * `inArray` enforces Firestore's "arrays cannot directly contain arrays".
 */
export function copyIn(value: unknown, where: string, depth = 0, inArray = false): StoreValue {
  if (depth > MAX_DEPTH) throw new StoreError('invalid-argument', `${where}: values may be nested at most ${MAX_DEPTH} levels deep.`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new StoreError('invalid-argument', `${where}: invalid Date.`);
    return new Date(value.getTime());
  }
  if (Array.isArray(value)) {
    if (inArray) throw new StoreError('invalid-argument', `${where}: nested arrays are not supported by Firestore.`);
    const out: StoreValue[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new StoreError('invalid-argument', `${where}[${i}]: sparse arrays are not supported.`);
      const element: unknown = value[i];
      if (asTransform(element)) {
        throw new StoreError('invalid-argument', `${where}[${i}]: field transforms cannot be used inside arrays.`);
      }
      out.push(copyIn(element, `${where}[${i}]`, depth + 1, true));
    }
    return out;
  }
  if (isPlainObject(value)) {
    if (asTransform(value)) throw new StoreError('invalid-argument', `${where}: a field transform is not allowed here.`);
    const out = newMap();
    for (const key of Object.keys(value)) {
      checkKey(key, where);
      out[key] = copyIn(value[key], `${where}.${key}`, depth + 1, false);
    }
    return out;
  }
  throw new StoreError(
    'invalid-argument',
    `${where}: unsupported value (${describe(value)}). Firestore accepts null, booleans, numbers, strings, Dates, arrays and plain objects${value === undefined ? '; undefined is not allowed' : ''}.`,
  );
}

/** Deep copy for handing data out: ordinary objects, fresh Dates and arrays. */
export function copyOut(value: StoreValue): StoreValue {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(copyOut);
  const out: PlainMap = {};
  for (const key of Object.keys(value)) {
    // defineProperty, not assignment: a key can never act as a setter.
    Object.defineProperty(out, key, { value: copyOut(value[key] as StoreValue), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function copyDataOut(data: DocumentData): DocumentData {
  return copyOut(data) as DocumentData;
}

export type FieldOp =
  | { readonly path: readonly string[]; readonly kind: 'value'; readonly value: StoreValue }
  | { readonly path: readonly string[]; readonly kind: 'transform'; readonly transform: FieldTransform };

function checkTransform(t: FieldTransform, where: string): FieldTransform {
  switch (t.__transform) {
    case 'increment':
      if (typeof t.by !== 'number') throw new StoreError('invalid-argument', `${where}: increment() needs a number.`);
      return { __transform: 'increment', by: t.by };
    case 'delete':
      return { __transform: 'delete' };
    case 'arrayUnion':
    case 'arrayRemove': {
      if (!Array.isArray(t.values)) throw new StoreError('invalid-argument', `${where}: ${t.__transform}() needs values.`);
      const values = t.values.map((v, i) => copyIn(v, `${where}.${t.__transform}[${i}]`, 1, true));
      return { __transform: t.__transform, values };
    }
  }
}

/**
 * Splits a map value into the plain part and the transforms found inside it
 * (transforms may sit at any depth of a map, never inside an array).
 */
function splitMap(
  value: Record<string, unknown>,
  path: readonly string[],
  where: string,
  transforms: FieldOp[],
  allowDelete: boolean,
  depth: number,
): PlainMap {
  const out = newMap();
  for (const key of Object.keys(value)) {
    checkKey(key, where);
    const child: unknown = value[key];
    const childPath = [...path, key];
    const childWhere = `${where}.${key}`;
    const t = asTransform(child);
    if (t) {
      if (t.__transform === 'delete' && !allowDelete) {
        throw new StoreError('invalid-argument', `${childWhere}: fieldValue.delete() can only be used in update() or set() with {merge: true}, at the top level of a field.`);
      }
      transforms.push({ path: childPath, kind: 'transform', transform: checkTransform(t, childWhere) });
    } else if (isPlainObject(child)) {
      out[key] = splitMap(child, childPath, childWhere, transforms, false, depth + 1);
    } else {
      out[key] = copyIn(child, childWhere, depth + 1);
    }
  }
  return out;
}

function requireMap(data: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(data)) throw new StoreError('invalid-argument', `${what}: document data must be a plain object (got ${describe(data)}).`);
  return data;
}

/** `create` / `set` without merge: the new document replaces the old one. */
export function planReplace(data: WriteData, what: string): { base: DocumentData; transforms: FieldOp[] } {
  const transforms: FieldOp[] = [];
  const base = splitMap(requireMap(data, what), [], what, transforms, false, 0);
  return { base: base as DocumentData, transforms };
}

/** `set(..., {merge: true})`: every leaf (and empty map) is written at its path; other fields stay. */
export function planMerge(data: WriteData, what: string): FieldOp[] {
  const ops: FieldOp[] = [];
  const walk = (value: Record<string, unknown>, path: string[], depth: number): void => {
    for (const key of Object.keys(value)) {
      checkKey(key, what);
      const child: unknown = value[key];
      const childPath = [...path, key];
      const where = `${what}.${childPath.join('.')}`;
      const t = asTransform(child);
      if (t) {
        ops.push({ path: childPath, kind: 'transform', transform: checkTransform(t, where) });
      } else if (isPlainObject(child) && Object.keys(child).length > 0) {
        walk(child, childPath, depth + 1);
      } else {
        ops.push({ path: childPath, kind: 'value', value: copyIn(child, where, depth + 1) });
      }
    }
  };
  walk(requireMap(data, what), [], 0);
  return ops;
}

/** `update`: keys are field paths; map values replace the field entirely. */
export function planUpdate(data: UpdateData, what: string): FieldOp[] {
  const map = requireMap(data, what);
  const keys = Object.keys(map);
  if (keys.length === 0) throw new StoreError('invalid-argument', `${what}: update() needs at least one field.`);
  const ops: FieldOp[] = [];
  const seen: string[][] = [];
  for (const key of keys) {
    const path = parseFieldPath(key);
    for (const segment of path) checkKey(segment, what);
    for (const other of seen) {
      const n = Math.min(other.length, path.length);
      if (other.slice(0, n).every((s, i) => s === path[i])) {
        throw new StoreError('invalid-argument', `${what}: field paths "${formatFieldPath(other)}" and "${formatFieldPath(path)}" conflict.`);
      }
    }
    seen.push(path);
    const value: unknown = map[key];
    const where = `${what}.${key}`;
    const t = asTransform(value);
    if (t) {
      ops.push({ path, kind: 'transform', transform: checkTransform(t, where) });
    } else if (isPlainObject(value)) {
      const transforms: FieldOp[] = [];
      const base = splitMap(value, path, where, transforms, false, path.length);
      ops.push({ path, kind: 'value', value: base }, ...transforms);
    } else {
      ops.push({ path, kind: 'value', value: copyIn(value, where, path.length) });
    }
  }
  return ops;
}

function isMap(value: StoreValue | undefined): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function getField(data: DocumentData, path: readonly string[]): StoreValue | undefined {
  let current: StoreValue | undefined = data;
  for (const segment of path) {
    if (!isMap(current) || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

function setField(data: PlainMap, path: readonly string[], value: StoreValue | undefined): void {
  let current = data;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as string;
    const next = current[segment];
    if (!isMap(next)) {
      if (value === undefined) return; // deleting below a non-map: nothing to do
      const created = newMap();
      current[segment] = created;
      current = created;
    } else {
      current = next;
    }
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete current[last];
  else current[last] = value;
}

function applyTransform(current: StoreValue | undefined, t: FieldTransform): StoreValue | undefined {
  switch (t.__transform) {
    case 'delete':
      return undefined;
    case 'increment':
      // Firestore: a non-numeric (or missing) field is set to the operand.
      return typeof current === 'number' ? current + t.by : t.by;
    case 'arrayUnion': {
      const out = Array.isArray(current) ? current.map(deepCopy) : [];
      for (const v of t.values) if (!out.some((e) => valuesEqual(e, v))) out.push(deepCopy(v));
      return out;
    }
    case 'arrayRemove': {
      const base = Array.isArray(current) ? current : [];
      return base.filter((e) => !t.values.some((v) => valuesEqual(e, v))).map(deepCopy);
    }
  }
}

/** Internal deep copy (null-prototype maps). */
export function deepCopy(value: StoreValue): StoreValue {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(deepCopy);
  const out = newMap();
  for (const key of Object.keys(value)) out[key] = deepCopy(value[key] as StoreValue);
  return out;
}

/** Applies field operations to a copy of `base` and returns the new data. */
export function applyOps(base: DocumentData | null, ops: readonly FieldOp[]): DocumentData {
  const out = (base ? deepCopy(base) : newMap()) as PlainMap;
  for (const op of ops) {
    if (op.kind === 'value') {
      setField(out, op.path, deepCopy(op.value));
    } else {
      setField(out, op.path, applyTransform(getField(out, op.path), op.transform));
    }
  }
  return out;
}
