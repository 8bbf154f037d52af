/**
 * CBOR for mdoc: a strict bounded decoder that keeps the received bytes of every tag-24
 * item, and an encoder on cbor-x configured to add no tags, no records and no long-form maps.
 *
 * Why the decoder is not cbor-x: cbor-x tag handlers are process-global (`addExtension`
 * changes every decoder in the process, and @auth0/mdl or @animo-id/mdoc register their own
 * tag 0/24/1004 handlers in the same module instance), it reports no byte spans, keeps the
 * last of duplicate map keys, has no nesting limit and decodes tags 27/28/29/258/259 into
 * objects. mdoc needs the exact received bytes (digests, Sig_structure), so the decoder is
 * a small one of our own; encoding stays on cbor-x.
 *
 * @module
 */
import { ComityError, concatBytes } from '@comity/core';
import { Encoder, Tag } from 'cbor-x';

/**
 * A decoded CBOR tag other than 24, kept with its number (tdate is tag 0, full-date tag 1004).
 *
 * @example
 * ```ts
 * if (value instanceof Tagged && value.tag === 1004) console.log('full-date', value.value);
 * ```
 * @see RFC 8949 §3.4
 */
export class Tagged {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/**
 * `#6.24(bstr)`: an embedded CBOR data item with its exact received encoding (what mdoc digests
 * and signatures cover).
 *
 * @example
 * ```ts
 * const digest = await ctx.crypto.digest('sha-256', item.bytes.raw); // IssuerSignedItemBytes as received
 * ```
 * @see RFC 8949 §3.4.5.1, ISO/IEC 18013-5:2021 §9.1.2.4
 */
export class DataItem {
  constructor(
    /** The whole item as received, `d8 18 <bstr header> <content>`: what digests cover. */
    readonly raw: Uint8Array,
    /** The embedded CBOR (the byte string's content). */
    readonly content: Uint8Array,
  ) {}
}

/** A CBOR map key as decoded: integers and text only. */
export type CborKey = number | string;

/** A decoded CBOR value. */
export type CborValue = number | bigint | string | boolean | null | undefined | Uint8Array | CborValue[] | CborMap | Tagged | DataItem;

/** A decoded CBOR map (insertion order = wire order). */
export type CborMap = Map<CborKey, CborValue>;

/** Decoder limits. */
export interface DecodeLimits {
  /** Largest accepted input in bytes (default 8 MiB). */
  readonly maxBytes?: number;
  /** Deepest accepted nesting of arrays, maps and tags (default 48). */
  readonly maxDepth?: number;
}

/** Observations about an input that decoded fine but is not in preferred serialization. */
export interface DecodeNotes {
  /** An integer, length or float was not in its shortest form. */
  notPreferred: boolean;
  /** When given, the received bytes of every decoded array and map are recorded here. */
  readonly spans?: WeakMap<object, Uint8Array>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Map keys repeat across messages ("digestID", "elementValue", namespaces...): short ASCII keys are
// interned in a small table, which saves a string allocation per key. Only map keys are interned,
// never values, so no credential data stays in the table.
const KEY_TABLE_SIZE = 512;
const keyTable: Array<string | undefined> = new Array(KEY_TABLE_SIZE);

function internedKey(buf: Uint8Array, start: number, len: number): string | undefined {
  let h = len;
  for (let i = start; i < start + len; i++) {
    const b = buf[i] as number;
    if (b > 0x7f) return undefined;
    h = (Math.imul(h, 31) + b) | 0;
  }
  const slot = h & (KEY_TABLE_SIZE - 1);
  const cached = keyTable[slot];
  if (cached !== undefined && cached.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (cached.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  const key = latin1(buf, start, start + len);
  keyTable[slot] = key;
  return key;
}

// Node's Buffer has a native latin1 slicer that works on any Uint8Array; elsewhere build the string.
const nativeLatin1 = (globalThis as { Buffer?: { prototype: { latin1Slice?: (start: number, end: number) => string } } }).Buffer?.prototype.latin1Slice;
function latin1(buf: Uint8Array, start: number, end: number): string {
  if (nativeLatin1 !== undefined) return nativeLatin1.call(buf, start, end);
  let out = '';
  for (let i = start; i < end; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 48;

function malformed(message: string, code = 'ERR_MDOC_CBOR_MALFORMED'): ComityError {
  return new ComityError(code, message);
}

class Reader {
  pos = 0;
  #view: DataView | undefined;
  notPreferred = false;
  constructor(
    readonly buf: Uint8Array,
    readonly maxDepth: number,
    readonly spans: WeakMap<object, Uint8Array> | undefined,
  ) {}

  /** A view of `length` input bytes at `start` (the constructor is cheaper than `subarray`). */
  view8(start: number, length: number): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + start, length);
  }

  get view(): DataView {
    if (this.#view === undefined) this.#view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.#view;
  }

  /** Reads a head's argument; returns -1 for indefinite length (additional info 31). */
  arg(info: number): number | bigint {
    const buf = this.buf;
    if (info < 24) return info;
    let v: number | bigint;
    switch (info) {
      case 24:
        this.need(1);
        v = buf[this.pos] as number;
        this.pos += 1;
        if (v < 24) this.notPreferred = true;
        return v;
      case 25:
        this.need(2);
        v = ((buf[this.pos] as number) << 8) | (buf[this.pos + 1] as number);
        this.pos += 2;
        if (v < 256) this.notPreferred = true;
        return v;
      case 26:
        this.need(4);
        v =
          (buf[this.pos] as number) * 0x1000000 +
          (((buf[this.pos + 1] as number) << 16) | ((buf[this.pos + 2] as number) << 8) | (buf[this.pos + 3] as number));
        this.pos += 4;
        if (v < 65536) this.notPreferred = true;
        return v;
      case 27: {
        this.need(8);
        const big = this.view.getBigUint64(this.pos);
        this.pos += 8;
        if (big < 0x100000000n) this.notPreferred = true;
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      case 31:
        throw malformed('indefinite-length CBOR items are not accepted', 'ERR_MDOC_CBOR_INDEFINITE_LENGTH');
      default:
        throw malformed('reserved CBOR additional information');
    }
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw malformed('CBOR input is truncated', 'ERR_MDOC_CBOR_TRUNCATED');
  }

  length(info: number): number {
    const n = this.arg(info);
    if (typeof n === 'bigint') throw malformed('CBOR length is too large', 'ERR_MDOC_CBOR_TOO_LARGE');
    return n;
  }

  item(depth: number, asKey = false): CborValue {
    if (depth > this.maxDepth) throw malformed('CBOR nesting is too deep', 'ERR_MDOC_CBOR_TOO_DEEP');
    this.need(1);
    const begin = this.pos;
    const ib = this.buf[this.pos++] as number;
    const major = ib >> 5;
    const info = ib & 0x1f;
    switch (major) {
      case 0:
        return this.arg(info);
      case 1: {
        const n = this.arg(info);
        return typeof n === 'bigint' ? -1n - n : n === Number.MAX_SAFE_INTEGER ? -1n - BigInt(n) : -1 - n;
      }
      case 2: {
        const len = this.length(info);
        this.need(len);
        const out = this.view8(this.pos, len);
        this.pos += len;
        return out;
      }
      case 3: {
        const len = this.length(info);
        if (asKey && len <= 32) {
          this.need(len);
          const key = internedKey(this.buf, this.pos, len);
          if (key !== undefined) {
            this.pos += len;
            return key;
          }
        }
        this.need(len);
        const start = this.pos;
        this.pos += len;
        // Short ASCII strings (map keys, identifiers) skip the TextDecoder call.
        if (len <= 64) {
          const buf = this.buf;
          let ascii = true;
          for (let i = start; i < start + len; i++) {
            if ((buf[i] as number) > 0x7f) {
              ascii = false;
              break;
            }
          }
          if (ascii) return latin1(buf, start, start + len);
        }
        try {
          return utf8.decode(this.buf.subarray(start, start + len));
        } catch {
          throw malformed('CBOR text string is not valid UTF-8', 'ERR_MDOC_CBOR_UTF8');
        }
      }
      case 4: {
        const len = this.length(info);
        // Every element takes at least one byte: refuse lengths the input cannot hold.
        if (len > this.buf.length - this.pos) throw malformed('CBOR input is truncated', 'ERR_MDOC_CBOR_TRUNCATED');
        const out: CborValue[] = new Array(len);
        for (let i = 0; i < len; i++) out[i] = this.item(depth + 1);
        if (this.spans !== undefined) this.spans.set(out, this.buf.subarray(begin, this.pos));
        return out;
      }
      case 5: {
        const len = this.length(info);
        if (len * 2 > this.buf.length - this.pos) throw malformed('CBOR input is truncated', 'ERR_MDOC_CBOR_TRUNCATED');
        const out: CborMap = new Map();
        for (let i = 0; i < len; i++) {
          const key = this.item(depth + 1, true);
          if (typeof key !== 'string' && typeof key !== 'number')
            throw malformed('CBOR map key is neither an integer nor a text string', 'ERR_MDOC_CBOR_UNSUPPORTED');
          if (out.has(key)) throw malformed('CBOR map has a duplicate key', 'ERR_MDOC_CBOR_DUPLICATE_KEY');
          out.set(key, this.item(depth + 1));
        }
        if (this.spans !== undefined) this.spans.set(out, this.buf.subarray(begin, this.pos));
        return out;
      }
      case 6: {
        const start = begin;
        const tag = this.arg(info);
        if (typeof tag === 'bigint') throw malformed('CBOR tag number is too large', 'ERR_MDOC_CBOR_UNSUPPORTED');
        if (tag === 24) {
          const value = this.item(depth + 1);
          if (!(value instanceof Uint8Array)) throw malformed('tag 24 does not wrap a byte string');
          return new DataItem(this.view8(start, this.pos - start), value);
        }
        // Tags that make decoders build objects or references (sets, maps, shared values) are refused.
        if (tag === 28 || tag === 29 || tag === 27 || tag === 258 || tag === 259 || tag === 256 || tag === 25 || (tag >= 0xe000 && tag <= 0xe0ff)) {
          throw malformed('CBOR tag is not accepted', 'ERR_MDOC_CBOR_UNSUPPORTED');
        }
        return new Tagged(tag, this.item(depth + 1));
      }
      default: {
        // major 7
        if (info < 20) throw malformed('unassigned CBOR simple value', 'ERR_MDOC_CBOR_UNSUPPORTED');
        switch (info) {
          case 20:
            return false;
          case 21:
            return true;
          case 22:
            return null;
          case 23:
            return undefined;
          case 25: {
            this.need(2);
            const v = halfToNumber(this.view.getUint16(this.pos));
            this.pos += 2;
            return v;
          }
          case 26: {
            this.need(4);
            const v = this.view.getFloat32(this.pos);
            this.pos += 4;
            if (Number.isNaN(v) || Math.fround(v) === v) {
              if (halfFits(v)) this.notPreferred = true;
            }
            return v;
          }
          case 27: {
            this.need(8);
            const v = this.view.getFloat64(this.pos);
            this.pos += 8;
            if (Math.fround(v) === v) this.notPreferred = true;
            return v;
          }
          case 31:
            throw malformed('unexpected CBOR break', 'ERR_MDOC_CBOR_INDEFINITE_LENGTH');
          default:
            throw malformed('unassigned CBOR simple value', 'ERR_MDOC_CBOR_UNSUPPORTED');
        }
      }
    }
  }
}

function halfToNumber(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * 2 ** -24 * mant;
  if (exp === 31) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

function halfFits(v: number): boolean {
  if (!Number.isFinite(v)) return true;
  const a = Math.abs(v);
  if (a === 0) return true;
  if (a > 65504 || a < 2 ** -24) return false;
  const e = Math.floor(Math.log2(a));
  const step = 2 ** (Math.max(e, -14) - 10);
  return a / step === Math.round(a / step);
}

/**
 * Decodes exactly one CBOR item (no trailing bytes) within size and depth limits.
 *
 * @throws ComityError `ERR_MDOC_CBOR_MALFORMED`, `ERR_MDOC_CBOR_TRUNCATED`, `ERR_MDOC_CBOR_TOO_LARGE`,
 *   `ERR_MDOC_CBOR_TOO_DEEP`, `ERR_MDOC_CBOR_INDEFINITE_LENGTH`, `ERR_MDOC_CBOR_DUPLICATE_KEY`,
 *   `ERR_MDOC_CBOR_UNSUPPORTED`, `ERR_MDOC_CBOR_UTF8`, `ERR_MDOC_CBOR_TRAILING_BYTES`
 */
export function decodeCbor(bytes: Uint8Array, limits: DecodeLimits = {}, notes?: DecodeNotes): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new ComityError('ERR_MDOC_CBOR_MALFORMED', 'CBOR input is not a byte array');
  if (bytes.length === 0) throw malformed('CBOR input is empty', 'ERR_MDOC_CBOR_TRUNCATED');
  if (bytes.length > (limits.maxBytes ?? DEFAULT_MAX_BYTES)) throw malformed('CBOR input exceeds the size limit', 'ERR_MDOC_CBOR_TOO_LARGE');
  const reader = new Reader(bytes, limits.maxDepth ?? DEFAULT_MAX_DEPTH, notes?.spans);
  const value = reader.item(0);
  if (reader.pos !== bytes.length) throw malformed('CBOR input has trailing bytes', 'ERR_MDOC_CBOR_TRAILING_BYTES');
  if (notes !== undefined && reader.notPreferred) notes.notPreferred = true;
  return value;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Already-encoded CBOR to embed as is (received items, protected headers, transcripts). */
export class RawCbor {
  constructor(readonly bytes: Uint8Array) {}
}

/** A value the encoder accepts: plain data, `Map`, `Tag` from cbor-x, `RawCbor`, `DataItem`. */
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

/** Major-type head in its shortest form. */
export function head(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  if (n < 0x100000000) return Uint8Array.of(m | 26, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  const out = new Uint8Array(9);
  out[0] = m | 27;
  new DataView(out.buffer).setBigUint64(1, BigInt(n));
  return out;
}

function containsRaw(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (value instanceof RawCbor || value instanceof DataItem) return true;
  if (Array.isArray(value)) return value.some((v) => containsRaw(v, depth + 1));
  if (value instanceof Map) {
    for (const v of value.values()) if (containsRaw(v, depth + 1)) return true;
    return false;
  }
  if (value instanceof Tag) return containsRaw(value.value, depth + 1);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return Object.values(value).some((v) => containsRaw(v, depth + 1));
  return false;
}

function encodeInner(value: unknown): Uint8Array {
  if (value instanceof RawCbor) return value.bytes;
  if (value instanceof DataItem) return value.raw;
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
 * without tag 259, no records; `RawCbor` and `DataItem` are embedded byte for byte.
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
