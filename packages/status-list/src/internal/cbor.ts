/**
 * cbor-x configured for encoding: plain byte strings (no typed-array tags), no records,
 * no tag 259, `Map` integer keys kept, shortest map lengths. Untrusted input is read with
 * the strict reader in `cbor-read.ts` instead.
 *
 * @module
 */
import { Encoder } from 'cbor-x';

const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, variableMapSize: true, tagUint8Array: false });

/** Encodes a value (objects with text keys, `Map`s with integer keys, `Uint8Array` as bstr). */
export function cborEncode(value: unknown): Uint8Array {
  const out = encoder.encode(value);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
