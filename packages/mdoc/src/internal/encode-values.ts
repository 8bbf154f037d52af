/**
 * Turns caller element values into encodable CBOR: Date → tdate (tag 0, no fractions),
 * FullDate → full-date (tag 1004), objects → maps in insertion order.
 *
 * @module
 */
import { ComityUsageError, encodeCborFloat, isPlainObject } from '@comity/core';
import { FullDate, formatTdate } from '../values.js';
import { CborFloat, DataItem, decodeCbor, head, RawCbor, Tag, Tagged } from './cbor.js';

const UINT64_LIMIT = 2n ** 64n;

/**
 * An integer as CBOR major type 0 or 1 in its shortest head (RFC 8949 §4.2.1). cbor-x writes
 * numbers of 2^32 and more as float64 and every bigint with an 8-byte head; beyond 64 bits the
 * value is left to cbor-x's bignum tags.
 */
function encodeInteger(value: bigint): RawCbor | bigint {
  const major = value < 0n ? 1 : 0;
  const n = value < 0n ? -1n - value : value;
  if (n >= UINT64_LIMIT) return value;
  if (n < 0x100000000n) return new RawCbor(head(major, Number(n)));
  const out = new Uint8Array(9);
  out[0] = (major << 5) | 27;
  new DataView(out.buffer).setBigUint64(1, n);
  return new RawCbor(out);
}

/** A non-integer number as the shortest float (half, single, double) that keeps its value (RFC 8949 §4.2.1). */
function encodeFloat(value: number): CborFloat {
  for (const width of [2, 4] as const) {
    const candidate = new CborFloat(value, width);
    const back = decodeCbor(encodeCborFloat(candidate));
    if (back instanceof CborFloat && Object.is(back.value, value)) return candidate;
  }
  return new CborFloat(value, 8);
}

export function toEncodable(value: unknown, depth = 0): unknown {
  if (depth > 32) throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', 'element value is nested too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return encodeInteger(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', 'element value is NaN');
    // Safe integers are CBOR integers (major type 0/1), whatever their size; anything else a float.
    return Number.isSafeInteger(value) ? encodeInteger(BigInt(value)) : encodeFloat(value);
  }
  if (value instanceof CborFloat) return value;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Date) return new Tag(formatTdate(value), 0);
  if (value instanceof FullDate) return new Tag(value.value, 1004);
  if (value instanceof Tagged) return new Tag(toEncodable(value.value, depth + 1), value.tag);
  if (value instanceof Tag) return new Tag(toEncodable(value.value, depth + 1), value.tag);
  if (value instanceof DataItem) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    // A hole would be written as CBOR undefined: refused like an undefined element.
    for (let i = 0; i < value.length; i++) out.push(i in value ? toEncodable(value[i], depth + 1) : toEncodable(undefined));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) {
      if (typeof k !== 'string' && !Number.isSafeInteger(k)) throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', 'map keys must be strings or integers');
      out.set(typeof k === 'number' ? encodeInteger(BigInt(k)) : k, toEncodable(v, depth + 1));
    }
    return out;
  }
  // A Set, a class instance or a boxed primitive would become an empty or partial map.
  if (isPlainObject(value)) {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) out.set(k, toEncodable(v, depth + 1));
    return out;
  }
  const kind = typeof value === 'object' ? Object.prototype.toString.call(value).slice(8, -1) : typeof value;
  throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', `element value of type ${kind} cannot be encoded`);
}
