/**
 * CBOR for mdoc: core's strict bounded decoder (which keeps the received bytes of every tag-24
 * item) under mdoc's error codes, and an encoder on cbor-x configured to add no tags, no
 * records and no long-form maps, that writes received items back byte for byte.
 *
 * @module
 */
import {
  CborFloat,
  type CborValue,
  ComityError,
  type DecodeLimits as CoreDecodeLimits,
  cborHead,
  concatBytes,
  decodeCbor as coreDecodeCbor,
  DataItem,
  type DecodeNotes,
  encodeCborFloat,
} from '@comity/core';
import { Encoder, Tag } from 'cbor-x';

// The decoder is core's (one strict reader for every format); mdoc keeps its own code family.
export { CborFloat, type CborKey, type CborMap, type CborValue, DataItem, type DecodeNotes, Tagged } from '@comity/core';

/** Decoder limits (the codes are always mdoc's `ERR_MDOC_CBOR_*`). */
export type DecodeLimits = Omit<CoreDecodeLimits, 'codePrefix'>;

/** Core's default limits under mdoc's code family. */
export const MDOC_CBOR_LIMITS: CoreDecodeLimits = { codePrefix: 'ERR_MDOC_CBOR' };

/**
 * Decodes exactly one CBOR item (no trailing bytes) within size and depth limits: core's
 * {@link coreDecodeCbor} with mdoc's error codes.
 *
 * @throws ComityError `ERR_MDOC_CBOR_MALFORMED`, `ERR_MDOC_CBOR_TRUNCATED`, `ERR_MDOC_CBOR_TOO_LARGE`,
 *   `ERR_MDOC_CBOR_TOO_DEEP`, `ERR_MDOC_CBOR_INDEFINITE_LENGTH`, `ERR_MDOC_CBOR_DUPLICATE_KEY`,
 *   `ERR_MDOC_CBOR_UNSUPPORTED`, `ERR_MDOC_CBOR_UTF8`, `ERR_MDOC_CBOR_TRAILING_BYTES`
 */
export function decodeCbor(bytes: Uint8Array, limits?: DecodeLimits, notes?: DecodeNotes): CborValue {
  return coreDecodeCbor(bytes, limits === undefined ? MDOC_CBOR_LIMITS : { ...limits, codePrefix: 'ERR_MDOC_CBOR' }, notes);
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Already-encoded CBOR to embed as is (received items, protected headers, transcripts). */
export class RawCbor {
  constructor(readonly bytes: Uint8Array) {}
}

/** A value the encoder accepts: plain data, `Map`, `Tag` from cbor-x, `RawCbor`, `DataItem`, `CborFloat`. */
export type EncodableValue = unknown;

// `useTag259ForMaps` is read by cbor-x but missing from its typings.
const encoderOptions: ConstructorParameters<typeof Encoder>[0] & { useTag259ForMaps: boolean } = {
  tagUint8Array: false,
  useRecords: false,
  mapsAsObjects: false,
  useTag259ForMaps: false,
  variableMapSize: true,
  pack: false,
  structuredClone: false,
  bundleStrings: false,
  largeBigIntToFloat: false,
};
const encoder = new Encoder(encoderOptions);

/** Major-type head in its shortest form (core's). */
export const head = cborHead;

function containsRaw(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (value instanceof RawCbor || value instanceof DataItem || value instanceof CborFloat) return true;
  if (Array.isArray(value)) return value.some((v) => containsRaw(v, depth + 1));
  if (value instanceof Map) {
    for (const [k, v] of value) if (containsRaw(k, depth + 1) || containsRaw(v, depth + 1)) return true;
    return false;
  }
  if (value instanceof Tag) return containsRaw(value.value, depth + 1);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return Object.values(value).some((v) => containsRaw(v, depth + 1));
  return false;
}

function encodeInner(value: unknown): Uint8Array {
  if (value instanceof RawCbor) return value.bytes;
  if (value instanceof DataItem) return value.raw;
  if (value instanceof CborFloat) return encodeCborFloat(value);
  if (!containsRaw(value, 0)) return toPlain(encoder.encode(value));
  if (Array.isArray(value)) return concatBytes([head(4, value.length), ...value.map(encodeInner)]);
  if (value instanceof Map) {
    const parts = [head(5, value.size)];
    for (const [k, v] of value) parts.push(encodeInner(k), encodeInner(v));
    return concatBytes(parts);
  }
  if (value instanceof Tag) return concatBytes([tagHead(value.tag), encodeInner(value.value)]);
  const entries = Object.entries(value as Record<string, unknown>);
  const parts = [head(5, entries.length)];
  for (const [k, v] of entries) parts.push(encodeInner(k), encodeInner(v));
  return concatBytes(parts);
}

function tagHead(tag: number): Uint8Array {
  return head(6, tag);
}

function toPlain(b: Uint8Array): Uint8Array {
  // cbor-x may return a Buffer over a shared pool: copy into a plain Uint8Array of our own.
  return new Uint8Array(b);
}

/**
 * Encodes a value: definite lengths, shortest heads, byte strings without tag 64, maps
 * without tag 259, no records; `RawCbor`, `DataItem` and `CborFloat` are written back byte for byte.
 */
export function encodeCbor(value: EncodableValue): Uint8Array {
  try {
    return encodeInner(value);
  } catch (cause) {
    throw new ComityError('ERR_MDOC_CBOR_ENCODE', 'value cannot be encoded as CBOR', { cause });
  }
}

const textEncoder = new TextEncoder();

/** A text string item (head and UTF-8 bytes) without going through the general encoder. */
export function encodeText(text: string): Uint8Array {
  const bytes = textEncoder.encode(text);
  return concatBytes([head(3, bytes.length), bytes]);
}

/** Wraps encoded CBOR as `#6.24(bstr)`. */
export function wrapTag24(content: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(0xd8, 0x18), head(2, content.length), content]);
}

/** Encodes a value and wraps it as a {@link DataItem}. */
export function toDataItem(value: EncodableValue): DataItem {
  const content = encodeCbor(value);
  return new DataItem(wrapTag24(content), content);
}

/** Byte-string head followed by the bytes. */
export function encodeBstr(bytes: Uint8Array): Uint8Array {
  return concatBytes([head(2, bytes.length), bytes]);
}

export { Tag };
