/**
 * cbor-x configured for this package: plain byte strings (no typed-array tags), no
 * records, no tag 259, maps decoded as `Map` so integer keys stay integers, shortest
 * map lengths.
 *
 * @module
 */
import { Decoder, Encoder } from 'cbor-x';

const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, variableMapSize: true, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });

/** Encodes a value (objects with text keys, `Map`s with integer keys, `Uint8Array` as bstr). */
export function cborEncode(value: unknown): Uint8Array {
  const out = encoder.encode(value);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Decodes exactly one CBOR item (trailing bytes are an error). Throws whatever cbor-x throws. */
export function cborDecode(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}
