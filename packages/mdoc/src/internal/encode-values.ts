/**
 * Turns caller element values into encodable CBOR: Date → tdate (tag 0, no fractions),
 * FullDate → full-date (tag 1004), objects → maps in insertion order.
 *
 * @module
 */
import { ComityUsageError } from '@comity/core';
import { FullDate, formatTdate } from '../values.js';
import { DataItem, Tag, Tagged } from './cbor.js';

export function toEncodable(value: unknown, depth = 0): unknown {
  if (depth > 32) throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', 'element value is nested too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', 'element value is NaN');
    return value;
  }
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Date) return new Tag(formatTdate(value), 0);
  if (value instanceof FullDate) return new Tag(value.value, 1004);
  if (value instanceof Tagged) return new Tag(toEncodable(value.value, depth + 1), value.tag);
  if (value instanceof Tag) return new Tag(toEncodable(value.value, depth + 1), value.tag);
  if (value instanceof DataItem) return value;
  if (Array.isArray(value)) return value.map((v) => toEncodable(v, depth + 1));
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) {
      if (typeof k !== 'string' && typeof k !== 'number') throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', 'map keys must be strings or integers');
      out.set(k, toEncodable(v, depth + 1));
    }
    return out;
  }
  if (typeof value === 'object') {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) out.set(k, toEncodable(v, depth + 1));
    return out;
  }
  throw new ComityUsageError('ERR_USAGE_ELEMENT_VALUE', `element value of type ${typeof value} cannot be encoded`);
}
