/**
 * Typed access to decoded CBOR with paths in errors (never values).
 *
 * @module
 */
import { type ClaimPath, ComityError } from '@comity/core';
import type { CborMap, CborValue } from './cbor.js';

export function fail(code: string, message: string, path?: ClaimPath): never {
  throw new ComityError(code, message, path === undefined ? {} : { details: { path } });
}

export function asMap(value: CborValue, what: string, path?: ClaimPath): CborMap {
  if (!(value instanceof Map)) fail('ERR_MDOC_STRUCTURE', `${what} is not a map`, path);
  return value;
}

export function asArray(value: CborValue, what: string, path?: ClaimPath): CborValue[] {
  if (!Array.isArray(value)) fail('ERR_MDOC_STRUCTURE', `${what} is not an array`, path);
  return value;
}

export function asText(value: CborValue, what: string, path?: ClaimPath): string {
  if (typeof value !== 'string') fail('ERR_MDOC_STRUCTURE', `${what} is not a text string`, path);
  return value;
}

export function asBytes(value: CborValue, what: string, path?: ClaimPath): Uint8Array {
  if (!(value instanceof Uint8Array)) fail('ERR_MDOC_STRUCTURE', `${what} is not a byte string`, path);
  return value;
}

export function asUint(value: CborValue, what: string, path?: ClaimPath): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail('ERR_MDOC_STRUCTURE', `${what} is not an unsigned integer`, path);
  return value;
}

export function required(map: CborMap, key: string | number, what: string, path?: ClaimPath): CborValue {
  const v = map.get(key);
  if (v === undefined && !map.has(key)) fail('ERR_MDOC_STRUCTURE', `${what} is missing`, path);
  return v;
}
