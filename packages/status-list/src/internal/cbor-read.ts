/**
 * A strict CBOR (RFC 8949) reader for untrusted input. Unlike a general-purpose decoder it
 * keeps the types apart that the status list rules care about: integers stay integers
 * (floats come back as {@link CborFloat}), tags come back as {@link CborTag} (never applied
 * silently), maps come back as `Map` with duplicate keys refused. Indefinite lengths,
 * reserved additional information, trailing bytes and nesting deeper than 32 are errors.
 *
 * @module
 */

/** A CBOR floating-point value (major type 7), kept apart from integers. */
export class CborFloat {
  constructor(readonly value: number) {}
}

/** A CBOR tag (major type 6) and its content. */
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/** A CBOR simple value other than false, true and null. */
export class CborSimple {
  constructor(readonly value: number) {}
}

/** What {@link cborRead} returns. Integers beyond 2^53 are `bigint`. */
export type CborValue = number | bigint | string | boolean | null | Uint8Array | CborValue[] | Map<CborValue, CborValue> | CborFloat | CborTag | CborSimple;

/** Why CBOR was refused (a plain Error; callers map it to their own code). */
export class CborReadError extends Error {}

const MAX_DEPTH = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads exactly one CBOR data item from `bytes`. @throws CborReadError */
export function cborRead(bytes: Uint8Array): CborValue {
  const reader = new Reader(bytes);
  const value = reader.item(0);
  if (reader.offset !== bytes.length) throw new CborReadError('bytes after the CBOR item');
  return value;
}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    const b = this.bytes[this.offset];
    if (b === undefined) throw new CborReadError('unexpected end of CBOR');
    this.offset++;
    return b;
  }

  private take(length: number): Uint8Array {
    if (length > this.bytes.length - this.offset) throw new CborReadError('CBOR length beyond the input');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** The argument of a head; `bigint` only when it exceeds 2^53 - 1. */
  private argument(info: number): number | bigint {
    if (info < 24) return info;
    if (info === 24) return this.byte();
    if (info === 25) return (this.byte() << 8) | this.byte();
    if (info === 26) return ((this.byte() << 24) >>> 0) + (this.byte() << 16) + (this.byte() << 8) + this.byte();
    if (info === 27) {
      let v = 0n;
      for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this.byte());
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    throw new CborReadError(info === 31 ? 'indefinite-length CBOR is not accepted' : 'reserved CBOR additional information');
  }

  private length(info: number): number {
    const n = this.argument(info);
    if (typeof n === 'bigint' || n > this.bytes.length - this.offset) throw new CborReadError('CBOR length beyond the input');
    return n;
  }

  item(depth: number): CborValue {
    if (depth > MAX_DEPTH) throw new CborReadError('CBOR nested too deeply');
    const head = this.byte();
    const major = head >> 5;
    const info = head & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1: {
        const n = this.argument(info);
        return typeof n === 'bigint' || n >= Number.MAX_SAFE_INTEGER ? -1n - BigInt(n) : -1 - n;
      }
      case 2:
        return this.take(this.length(info)).slice();
      case 3:
        try {
          return utf8.decode(this.take(this.length(info)));
        } catch (cause) {
          if (cause instanceof CborReadError) throw cause;
          throw new CborReadError('CBOR text is not valid UTF-8');
        }
      case 4: {
        const n = this.length(info);
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5: {
        const n = this.length(info);
        const out = new Map<CborValue, CborValue>();
        for (let i = 0; i < n; i++) {
          const key = this.item(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string' && typeof key !== 'bigint') throw new CborReadError('CBOR map key is not an integer or text');
          if (out.has(key)) throw new CborReadError('duplicate CBOR map key');
          out.set(key, this.item(depth + 1));
        }
        return out;
      }
      case 6: {
        const tag = this.argument(info);
        if (typeof tag === 'bigint') throw new CborReadError('CBOR tag number too large');
        return new CborTag(tag, this.item(depth + 1));
      }
      default:
        return this.simple(info);
    }
  }

  private simple(info: number): CborValue {
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    if (info < 24) return new CborSimple(info);
    if (info === 24) {
      const v = this.byte();
      if (v < 32) throw new CborReadError('non-canonical CBOR simple value');
      return new CborSimple(v);
    }
    const view = (n: number): DataView => {
      const b = this.take(n);
      return new DataView(b.buffer, b.byteOffset, b.byteLength);
    };
    if (info === 25) return new CborFloat(halfToNumber(view(2).getUint16(0)));
    if (info === 26) return new CborFloat(view(4).getFloat32(0));
    if (info === 27) return new CborFloat(view(8).getFloat64(0));
    throw new CborReadError(info === 31 ? 'unexpected CBOR break' : 'reserved CBOR simple value');
  }
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
