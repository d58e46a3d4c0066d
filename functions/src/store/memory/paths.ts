/**
 * Document/collection paths and field paths, validated the way Firestore does.
 */
import { StoreError } from '../document-store.js';

const RESERVED = /^__.*__$/;

function segmentsOf(path: string, what: string): string[] {
  if (typeof path !== 'string' || path.length === 0) {
    throw new StoreError('invalid-argument', `${what} must be a non-empty string.`);
  }
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment.length === 0) {
      throw new StoreError('invalid-argument', `${what} "${path}" has an empty segment (no leading, trailing or double slashes).`);
    }
    if (segment === '.' || segment === '..') {
      throw new StoreError('invalid-argument', `${what} "${path}" may not contain "." or ".." segments.`);
    }
    if (RESERVED.test(segment)) {
      throw new StoreError('invalid-argument', `${what} "${path}": ids matching __.*__ are reserved by Firestore.`);
    }
    if (Buffer.byteLength(segment, 'utf8') > 1500) {
      throw new StoreError('invalid-argument', `${what} "${path}": an id may be at most 1500 bytes.`);
    }
  }
  return segments;
}

/** Validates a document path (even number of segments) and returns its segments. */
export function parseDocumentPath(path: string): string[] {
  const segments = segmentsOf(path, 'Document path');
  if (segments.length % 2 !== 0) {
    throw new StoreError(
      'invalid-argument',
      `"${path}" is not a document path: a document path has an even number of segments (collection/doc[/collection/doc...]).`,
    );
  }
  return segments;
}

/** Validates a collection path (odd number of segments) and returns its segments. */
export function parseCollectionPath(path: string): string[] {
  const segments = segmentsOf(path, 'Collection path');
  if (segments.length % 2 !== 1) {
    throw new StoreError(
      'invalid-argument',
      `"${path}" is not a collection path: a collection path has an odd number of segments.`,
    );
  }
  return segments;
}

export function validateCollectionId(id: string): void {
  const segments = segmentsOf(id, 'Collection id');
  if (segments.length !== 1) {
    throw new StoreError('invalid-argument', `Collection group id "${id}" must not contain "/".`);
  }
}

export function parentOf(docPath: string): string {
  return docPath.slice(0, docPath.lastIndexOf('/'));
}

export function idOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The id of the collection that directly contains a document. */
export function collectionIdOf(docPath: string): string {
  return idOf(parentOf(docPath));
}

export const DOCUMENT_ID_FIELD = '__name__';

/**
 * Parses a dotted field path. Segments may be quoted with backticks to hold
 * dots or other special characters (`` a.`b.c`.d ``), as in Firestore.
 */
export function parseFieldPath(path: string): string[] {
  if (typeof path !== 'string' || path.length === 0) {
    throw new StoreError('invalid-argument', 'A field path must be a non-empty string.');
  }
  const segments: string[] = [];
  let current = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (quoted) {
      if (ch === '\\' && i + 1 < path.length) {
        current += path[++i];
      } else if (ch === '`') {
        quoted = false;
      } else {
        current += ch;
      }
    } else if (ch === '`') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === '.') {
      if (current.length === 0 && !wasQuoted) {
        throw new StoreError('invalid-argument', `Invalid field path "${path}": empty segment.`);
      }
      segments.push(current);
      current = '';
      wasQuoted = false;
    } else {
      current += ch;
    }
  }
  if (quoted) throw new StoreError('invalid-argument', `Invalid field path "${path}": unterminated backtick.`);
  if (current.length === 0 && !wasQuoted) {
    throw new StoreError('invalid-argument', `Invalid field path "${path}": empty segment.`);
  }
  segments.push(current);
  for (const segment of segments) {
    if (segment.length === 0) throw new StoreError('invalid-argument', `Invalid field path "${path}": empty segment.`);
  }
  return segments;
}

/** Canonical text of a field path (used as a key for planning and messages). */
export function formatFieldPath(segments: readonly string[]): string {
  return segments.map((s) => (/^[A-Za-z_][A-Za-z_0-9]*$/.test(s) ? s : '`' + s.replace(/[`\\]/g, '\\$&') + '`')).join('.');
}

/** Normalises a field path string to its canonical form (`__name__` stays as is). */
export function canonicalFieldPath(path: string): string {
  if (path === DOCUMENT_ID_FIELD) return path;
  return formatFieldPath(parseFieldPath(path));
}
