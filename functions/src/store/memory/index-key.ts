/**
 * Order-preserving byte encoding of Firestore values, for the SQLite index
 * entries of MemoryStore. Pure.
 *
 * `compareBytes(encode(a), encode(b))` has the sign of `compareValues(a, b)`
 * for every pair of values, so a B-tree over encoded keys (SQLite compares
 * BLOBs with memcmp) returns documents in exactly Firestore's order. Every
 * encoding is prefix-free (each value ends where its own bytes say), so keys
 * of several values concatenate safely, and inverting every byte of one
 * value's encoding reverses its order (descending index fields).
 */
import type { StoreValue } from '../document-store.js';
import { DocRef, compareStrings, typeRank, type ComparableValue } from './compare-values.js';

/** Type-rank bytes start above the terminator bytes 0x00/0x01 used inside arrays, maps and strings. */
const RANK_BASE = 0x10;
const END = 0x00;
const ENTRY = 0x01;

class ByteWriter {
  private buf = Buffer.allocUnsafe(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + extra));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Eight bytes whose unsigned order is the numeric order of `n` (NaN first, -0 = 0). */
  double(n: number): void {
    this.ensure(8);
    if (Number.isNaN(n)) {
      this.buf.fill(0, this.len, this.len + 8);
    } else {
      this.buf.writeDoubleBE(n === 0 ? 0 : n, this.len);
      if ((this.buf[this.len] as number) & 0x80) {
        for (let i = 0; i < 8; i++) this.buf[this.len + i] = ~(this.buf[this.len + i] as number) & 0xff;
      } else {
        this.buf[this.len] = (this.buf[this.len] as number) | 0x80;
      }
    }
    this.len += 8;
  }

  /** UTF-8 bytes (code-point order) with 0x00 escaped as 0x00 0xFF, then the terminator 0x00 `terminator`. */
  text(s: string, terminator: number): void {
    const bytes = Buffer.from(s, 'utf8');
    this.ensure(bytes.length * 2 + 2);
    for (const b of bytes) {
      this.buf[this.len++] = b;
      if (b === 0) this.buf[this.len++] = 0xff;
    }
    this.buf[this.len++] = 0;
    this.buf[this.len++] = terminator;
  }

  mark(): number {
    return this.len;
  }

  invertFrom(start: number): void {
    for (let i = start; i < this.len; i++) this.buf[i] = ~(this.buf[i] as number) & 0xff;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

function writePath(w: ByteWriter, path: string): void {
  // Segment by segment: "a/b" < "a/b/c" < "a/b-c" as in comparePaths.
  for (const segment of path.split('/')) w.text(segment, 0x01);
  w.byte(END);
  w.byte(END);
}

function writeValue(w: ByteWriter, value: ComparableValue): void {
  const rank = typeRank(value);
  w.byte(RANK_BASE + rank);
  if (value === null) return;
  if (typeof value === 'boolean') return w.byte(value ? 1 : 0);
  if (typeof value === 'number') return w.double(value);
  if (typeof value === 'string') return w.text(value, 0x00);
  if (value instanceof Date) return w.double(value.getTime());
  if (value instanceof DocRef) return writePath(w, value.path);
  if (Array.isArray(value)) {
    for (const element of value) writeValue(w, element);
    return w.byte(END);
  }
  const map = value as { [key: string]: StoreValue };
  for (const key of Object.keys(map).sort(compareStrings)) {
    w.byte(ENTRY);
    w.text(key, 0x00);
    writeValue(w, map[key] as StoreValue);
  }
  w.byte(END);
}

export interface KeyPart {
  readonly value: ComparableValue;
  readonly descending?: boolean;
}

/** The concatenated encodings of `parts`, each inverted when descending. */
export function encodeKey(parts: readonly KeyPart[]): Buffer {
  const w = new ByteWriter();
  for (const part of parts) {
    const start = w.mark();
    writeValue(w, part.value);
    if (part.descending) w.invertFrom(start);
  }
  return w.toBuffer();
}

export function encodeValue(value: ComparableValue, descending = false): Buffer {
  return encodeKey([{ value, descending }]);
}

/** The smallest key greater than every key that starts with `prefix` (null when there is none). */
export function prefixSuccessor(prefix: Buffer): Buffer | null {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if ((out[i] as number) < 0xff) {
      out[i] = (out[i] as number) + 1;
      return out.subarray(0, i + 1);
    }
  }
  return null;
}

/** Lower and upper key bounds of one type class (Firestore range filters never cross types). */
export function typeClassBounds(value: ComparableValue): { readonly low: Buffer; readonly high: Buffer } {
  const rank = RANK_BASE + typeRank(value);
  return { low: Buffer.from([rank]), high: Buffer.from([rank + 1]) };
}
