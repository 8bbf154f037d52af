/**
 * The one strict CBOR (RFC 8949) decoder for untrusted input: mdoc structures, CWT status
 * lists and VICALs all come through here.
 *
 * Why not cbor-x: its tag handlers are process-global (`addExtension` changes every decoder
 * in the process, and libraries such as @auth0/mdl register their own tag 0/24/1004 handlers),
 * it reports no byte spans, keeps the last of duplicate map keys, has no nesting limit and
 * decodes tags 27/28/29/258/259 into objects. Credentials need the exact received bytes
 * (digests, Sig_structure) and types kept apart (a float is not an integer), so the decoder
 * is a small one of our own. Encoding stays with cbor-x in the packages that encode.
 *
 * @module
 */
import { ComityError, ComityUsageError } from './errors.js';

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
 * A CBOR floating-point number (major type 7), kept apart from integers: `1.0` encoded as a
 * float is not the unsigned integer a rule may require. `width` is the received encoding size,
 * so a re-encoding is byte-exact.
 *
 * @example
 * ```ts
 * const v = decodeCbor(Uint8Array.of(0xf9, 0x3c, 0x00)); // CborFloat { value: 1, width: 2 }
 * if (typeof v === 'number') console.log('an integer');
 * ```
 * @see RFC 8949 §3.3
 */
export class CborFloat {
  constructor(
    readonly value: number,
    /** Bytes of the received encoding: 2 (half), 4 (single) or 8 (double). */
    readonly width: 2 | 4 | 8,
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

/** A decoded CBOR value: integers are `number` (or `bigint` beyond 2^53), floats are {@link CborFloat}. */
export type CborValue = number | bigint | string | boolean | null | undefined | Uint8Array | CborValue[] | CborMap | Tagged | DataItem | CborFloat;

/** A decoded CBOR map (insertion order = wire order). */
export type CborMap = Map<CborKey, CborValue>;

/** Decoder limits and the family of error codes. */
export interface DecodeLimits {
  /** Largest accepted input in bytes (default 8 MiB). */
  readonly maxBytes?: number;
  /** Deepest accepted nesting of arrays, maps and tags (default 48). */
  readonly maxDepth?: number;
  /**
   * Most data items decoded, every array, map, tag and scalar counted (default 262,144). The
   * byte limit alone let 8 MiB of one-byte empty maps become about 1.7 GB of heap.
   */
  readonly maxItems?: number;
  /**
   * Prefix of the error codes (default `ERR_CBOR`): a format keeps its own family, e.g.
   * `ERR_MDOC_CBOR` gives `ERR_MDOC_CBOR_TRUNCATED`.
   */
  readonly codePrefix?: string;
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
const DEFAULT_MAX_ITEMS = 262_144;

/** A limit as given, or its default; anything but a whole number >= 0 would switch the check off. */
function limit(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new ComityUsageError('ERR_USAGE_CBOR_LIMITS', `${name} must be a whole number >= 0`);
  return value;
}

/** The ends of the codes the decoder raises, after the caller's prefix. */
type Failure = 'MALFORMED' | 'TRUNCATED' | 'TOO_LARGE' | 'TOO_DEEP' | 'INDEFINITE_LENGTH' | 'DUPLICATE_KEY' | 'UNSUPPORTED' | 'UTF8' | 'TRAILING_BYTES';

class Reader {
  pos = 0;
  #view: DataView | undefined;
  notPreferred = false;
  /** Items still allowed (maxItems counts down). */
  itemsLeft: number;
  constructor(
    readonly buf: Uint8Array,
    readonly maxDepth: number,
    maxItems: number,
    readonly spans: WeakMap<object, Uint8Array> | undefined,
    readonly codePrefix: string,
  ) {
    this.itemsLeft = maxItems;
  }

  fail(failure: Failure, message: string): ComityError {
    return cborError(this.codePrefix, failure, message);
  }

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
        throw this.fail('INDEFINITE_LENGTH', 'indefinite-length CBOR items are not accepted');
      default:
        throw this.fail('MALFORMED', 'reserved CBOR additional information');
    }
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw this.fail('TRUNCATED', 'CBOR input is truncated');
  }

  length(info: number): number {
    const n = this.arg(info);
    if (typeof n === 'bigint') throw this.fail('TOO_LARGE', 'CBOR length is too large');
    return n;
  }

  item(depth: number, asKey = false): CborValue {
    if (depth > this.maxDepth) throw this.fail('TOO_DEEP', 'CBOR nesting is too deep');
    if (--this.itemsLeft < 0) throw this.fail('TOO_LARGE', 'CBOR input has too many items');
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
          throw this.fail('UTF8', 'CBOR text string is not valid UTF-8');
        }
      }
      case 4: {
        const len = this.length(info);
        // Every element takes at least one byte: refuse lengths the input cannot hold.
        if (len > this.buf.length - this.pos) throw this.fail('TRUNCATED', 'CBOR input is truncated');
        // Grown as elements decode, never sized from the declared length: nested heads that each
        // declare the rest of the input would otherwise reserve depth x input size before failing.
        const out: CborValue[] = [];
        for (let i = 0; i < len; i++) out.push(this.item(depth + 1));
        if (this.spans !== undefined) this.spans.set(out, this.buf.subarray(begin, this.pos));
        return out;
      }
      case 5: {
        const len = this.length(info);
        if (len * 2 > this.buf.length - this.pos) throw this.fail('TRUNCATED', 'CBOR input is truncated');
        const out: CborMap = new Map();
        for (let i = 0; i < len; i++) {
          const key = this.item(depth + 1, true);
          if (typeof key !== 'string' && typeof key !== 'number') throw this.fail('UNSUPPORTED', 'CBOR map key is neither an integer nor a text string');
          if (out.has(key)) throw this.fail('DUPLICATE_KEY', 'CBOR map has a duplicate key');
          out.set(key, this.item(depth + 1));
        }
        if (this.spans !== undefined) this.spans.set(out, this.buf.subarray(begin, this.pos));
        return out;
      }
      case 6: {
        const start = begin;
        const tag = this.arg(info);
        if (typeof tag === 'bigint') throw this.fail('UNSUPPORTED', 'CBOR tag number is too large');
        if (tag === 24) {
          const value = this.item(depth + 1);
          if (!(value instanceof Uint8Array)) throw this.fail('MALFORMED', 'tag 24 does not wrap a byte string');
          return new DataItem(this.view8(start, this.pos - start), value);
        }
        // Tags that make decoders build objects or references (sets, maps, shared values) are refused.
        if (tag === 28 || tag === 29 || tag === 27 || tag === 258 || tag === 259 || tag === 256 || tag === 25 || (tag >= 0xe000 && tag <= 0xe0ff)) {
          throw this.fail('UNSUPPORTED', 'CBOR tag is not accepted');
        }
        return new Tagged(tag, this.item(depth + 1));
      }
      default: {
        // major 7
        if (info < 20) throw this.fail('UNSUPPORTED', 'unassigned CBOR simple value');
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
            return new CborFloat(v, 2);
          }
          case 26: {
            this.need(4);
            const v = this.view.getFloat32(this.pos);
            this.pos += 4;
            if (halfFits(v)) this.notPreferred = true;
            return new CborFloat(v, 4);
          }
          case 27: {
            this.need(8);
            const v = this.view.getFloat64(this.pos);
            this.pos += 8;
            if (Number.isNaN(v) || Math.fround(v) === v) this.notPreferred = true;
            return new CborFloat(v, 8);
          }
          case 31:
            throw this.fail('INDEFINITE_LENGTH', 'unexpected CBOR break');
          default:
            throw this.fail('UNSUPPORTED', 'unassigned CBOR simple value');
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

// The half-precision bits of a value a half float holds exactly (one that came from one).
function numberToHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Number.POSITIVE_INFINITY) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

function cborError(prefix: string, failure: Failure, message: string): ComityError {
  return new ComityError(`${prefix}_${failure}`, message);
}

/**
 * Decodes exactly one CBOR item (no trailing bytes) within size and depth limits: definite
 * lengths only, integer or text map keys without duplicates, fatal UTF-8, no tags that build
 * shared references or sets. Tag 24 comes back as a {@link DataItem} with its received bytes,
 * other tags as {@link Tagged}, floats as {@link CborFloat}, byte strings as views of `bytes`.
 *
 * @example
 * ```ts
 * const value = decodeCbor(bytes, { maxBytes: 1 << 20, maxDepth: 16 });
 * if (!(value instanceof Map)) throw new Error('not a map');
 * ```
 * @throws ComityError `<prefix>_MALFORMED`, `_TRUNCATED`, `_TOO_LARGE` (bytes or items), `_TOO_DEEP`, `_INDEFINITE_LENGTH`,
 *   `_DUPLICATE_KEY`, `_UNSUPPORTED`, `_UTF8`, `_TRAILING_BYTES` with the prefix `ERR_CBOR` unless
 *   `limits.codePrefix` says otherwise; ComityUsageError `ERR_USAGE_CBOR_LIMITS` for a limit that is not a whole number >= 0
 * @see RFC 8949 §5.3 (validity), §4.1 (preferred serialization)
 */
export function decodeCbor(bytes: Uint8Array, limits: DecodeLimits = {}, notes?: DecodeNotes): CborValue {
  const codePrefix = limits.codePrefix ?? 'ERR_CBOR';
  if (!(bytes instanceof Uint8Array)) throw cborError(codePrefix, 'MALFORMED', 'CBOR input is not a byte array');
  if (bytes.length === 0) throw cborError(codePrefix, 'TRUNCATED', 'CBOR input is empty');
  const maxBytes = limit(limits.maxBytes, DEFAULT_MAX_BYTES, 'maxBytes');
  const maxDepth = limit(limits.maxDepth, DEFAULT_MAX_DEPTH, 'maxDepth');
  const maxItems = limit(limits.maxItems, DEFAULT_MAX_ITEMS, 'maxItems');
  if (bytes.length > maxBytes) throw cborError(codePrefix, 'TOO_LARGE', 'CBOR input exceeds the size limit');
  const reader = new Reader(bytes, maxDepth, maxItems, notes?.spans, codePrefix);
  const value = reader.item(0);
  if (reader.pos !== bytes.length) throw cborError(codePrefix, 'TRAILING_BYTES', 'CBOR input has trailing bytes');
  if (notes !== undefined && reader.notPreferred) notes.notPreferred = true;
  return value;
}

/**
 * The encoding of a decoded float at its received width (`f9`/`fa`/`fb` and the bytes), so an
 * encoder can write it back byte for byte (a NaN is written as the canonical quiet NaN).
 *
 * @example
 * ```ts
 * encodeCborFloat(new CborFloat(1.5, 4)); // fa 3f c0 00 00
 * ```
 * @see RFC 8949 §3.3
 */
export function encodeCborFloat(float: CborFloat): Uint8Array {
  const out = new Uint8Array(1 + float.width);
  const view = new DataView(out.buffer);
  if (float.width === 8) {
    out[0] = 0xfb;
    view.setFloat64(1, float.value);
  } else if (float.width === 4) {
    out[0] = 0xfa;
    view.setFloat32(1, float.value);
  } else {
    out[0] = 0xf9;
    view.setUint16(1, numberToHalf(float.value));
  }
  return out;
}

/**
 * The head of a CBOR item in its shortest form (major type and argument), for code that
 * writes small fixed structures by hand (a COSE Sig_structure) without a general encoder.
 *
 * @example
 * ```ts
 * cborHead(2, 32); // 58 20: the head of a 32-byte byte string
 * ```
 * @see RFC 8949 §3, §4.2.1
 */
export function cborHead(major: number, n: number): Uint8Array {
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
