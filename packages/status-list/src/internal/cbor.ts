/**
 * cbor-x configured for encoding: plain byte strings (no typed-array tags), no records,
 * no tag 259, `Map` integer keys kept, shortest map lengths. Untrusted input is read with
 * core's strict `decodeCbor` and {@link CBOR_LIMITS} instead.
 *
 * @module
 */
import type { DecodeLimits } from '@comity/core';
import { Encoder, Tag } from 'cbor-x';

/**
 * How untrusted status list CBOR is read: no size limit of its own (the fetch and the list's
 * decompressed-size limit bound it) and nesting to 32. Callers report failures with their own
 * code, the `ERR_CBOR_*` error as the cause.
 */
export const CBOR_LIMITS: DecodeLimits = { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 32 };

// `useTag259ForMaps` is missing from cbor-x's typings; without it every `Map` gets tag 259.
// Passing the options through a variable keeps the runtime option past the excess-property check.
const options = { useRecords: false, mapsAsObjects: true, variableMapSize: true, tagUint8Array: false, useTag259ForMaps: false };
const encoder = new Encoder(options);

/** Encodes a value (objects with text keys, `Map`s with integer keys, `Uint8Array` as bstr). */
export function cborEncode(value: unknown): Uint8Array {
  // Own the bytes: cbor-x encodes into an internal buffer it manages (a reported overwrite in
  // trust-registry came from holding such views).
  return new Uint8Array(encoder.encode(value));
}

/** Encodes `value` under a CBOR tag. */
export function cborEncodeTagged(tag: number, value: unknown): Uint8Array {
  return cborEncode(new Tag(value, tag));
}
