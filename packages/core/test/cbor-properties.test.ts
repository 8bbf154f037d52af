/**
 * Adversarial and property-based review of the strict CBOR decoder (RFC 8949) and the COSE
 * parsing on top of it: hostile bytes only ever give a ComityError with a documented code, in
 * time and memory the input pays for; generated values round-trip through a preferred encoder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CborFloat,
  type CborMap,
  type CborValue,
  ComityError,
  ComityUsageError,
  cborHead,
  concatBytes,
  DataItem,
  type DecodeNotes,
  decodeCbor,
  decodeCoseMac0,
  decodeCoseSign1,
  encodeCborFloat,
  fromHex,
  Tagged,
  toHex,
} from '../src/index.js';
import { codeOf } from './code-of.js';

const CBOR_CODES = new Set(
  ['MALFORMED', 'TRUNCATED', 'TOO_LARGE', 'TOO_DEEP', 'INDEFINITE_LENGTH', 'DUPLICATE_KEY', 'UNSUPPORTED', 'UTF8', 'TRAILING_BYTES'].map(
    (end) => `ERR_CBOR_${end}`,
  ),
);
const REFUSED_TAGS = new Set([24, 25, 27, 28, 29, 256, 258, 259]);

/** Decodes, and fails the property on anything but a documented ComityError code. */
function decodeOutcome(bytes: Uint8Array): string {
  const code = codeOf(() => decodeCbor(bytes));
  if (code !== 'NO_ERROR' && !CBOR_CODES.has(code)) throw new Error(`undocumented code ${code}`);
  return code;
}

function coseOutcome(bytes: Uint8Array): void {
  for (const decode of [decodeCoseSign1, decodeCoseMac0]) {
    const code = codeOf(() => decode(bytes));
    if (code !== 'NO_ERROR' && code !== 'ERR_COSE_INVALID' && !CBOR_CODES.has(code)) throw new Error(`undocumented code ${code}`);
  }
}

// A preferred-serialization encoder for the decoder's value model (RFC 8949 §4.1), built on
// core's own encoding pieces (cborHead, encodeCborFloat). Map keys stay in insertion order.
function head(major: number, n: number | bigint): Uint8Array {
  if (typeof n === 'number') return cborHead(major, n);
  if (n < 0x100000000n) return cborHead(major, Number(n));
  const out = new Uint8Array(9);
  out[0] = (major << 5) | 27;
  new DataView(out.buffer).setBigUint64(1, n);
  return out;
}

function encode(v: CborValue): Uint8Array {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'bigint') return v >= 0n ? head(0, v) : head(1, -1n - v);
  if (typeof v === 'string') {
    const bytes = new TextEncoder().encode(v);
    return concatBytes([head(3, bytes.length), bytes]);
  }
  if (v === false) return Uint8Array.of(0xf4);
  if (v === true) return Uint8Array.of(0xf5);
  if (v === null) return Uint8Array.of(0xf6);
  if (v === undefined) return Uint8Array.of(0xf7);
  if (v instanceof Uint8Array) return concatBytes([head(2, v.length), v]);
  if (Array.isArray(v)) return concatBytes([head(4, v.length), ...v.map(encode)]);
  if (v instanceof Map) return concatBytes([head(5, v.size), ...[...v].flatMap(([k, x]) => [encode(k), encode(x)])]);
  if (v instanceof DataItem) return v.raw;
  if (v instanceof Tagged) return concatBytes([head(6, v.tag), encode(v.value)]);
  return encodeCborFloat(v);
}

/** The smallest width that holds `d` exactly (NaN as the half-precision quiet NaN). */
function preferredFloat(d: number): CborFloat {
  const half = new CborFloat(d, 2);
  const back = decodeCbor(encodeCborFloat(half)) as CborFloat;
  if (Object.is(back.value, d)) return half;
  return Object.is(Math.fround(d), d) ? new CborFloat(d, 4) : new CborFloat(d, 8);
}

const utf8RoundTrips = (s: string): boolean => new TextDecoder().decode(new TextEncoder().encode(s)) === s;

const integer = fc.oneof(
  fc.integer({ min: -100, max: 100_000 }),
  fc.maxSafeInteger(),
  fc
    .bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n })
    .map((b) => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b)),
);
const text = fc.string({ unit: 'binary', maxLength: 40 }).filter(utf8RoundTrips);
const bytes = fc.uint8Array({ maxLength: 40 });
const float = fc
  .oneof(
    fc.double(),
    fc.float().map(Math.fround),
    fc.integer({ min: -2048, max: 2048 }).map((n) => n / 8),
  )
  .map(preferredFloat);
const tagNumber = fc
  .oneof(fc.constantFrom(0, 1, 17, 18, 32, 1004, 55799), fc.integer({ min: 0, max: 2 ** 32 }))
  .filter((t) => !REFUSED_TAGS.has(t) && (t < 0xe000 || t > 0xe0ff));
const dataItem = bytes.map((content) => new DataItem(concatBytes([Uint8Array.of(0xd8, 0x18), head(2, content.length), content]), content));

const { value: cborValue } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    integer,
    text,
    bytes,
    float,
    fc.constantFrom<CborValue>(true, false, null, undefined),
    dataItem,
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .uniqueArray(fc.tuple(fc.oneof(fc.integer({ min: -30, max: 30 }), fc.maxSafeInteger(), text), tie('value')), {
        maxLength: 5,
        selector: ([k]) => k,
      })
      .map((entries): CborMap => new Map(entries)),
    fc.tuple(tagNumber, tie('value')).map(([tag, v]) => new Tagged(tag, v)),
  ),
}));

// Bytes with CBOR shape: random heads (every major type and additional information) and payloads.
const cborishBytes = fc
  .array(
    fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 31 }), fc.uint8Array({ maxLength: 8 }))
        .map(([m, i, rest]) => concatBytes([Uint8Array.of((m << 5) | i), rest])),
      fc.uint8Array({ minLength: 1, maxLength: 3 }),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => concatBytes(parts));

type Mutation = { kind: 'set' | 'insert' | 'delete' | 'truncate' | 'duplicate'; at: number; byte: number };
const mutation = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('set', 'insert', 'delete', 'truncate', 'duplicate'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b = input;
  for (const { kind, at: raw, byte } of mutations) {
    const at = b.length === 0 ? 0 : raw % b.length;
    if (kind === 'set' && b.length > 0) b = Uint8Array.from(b, (x, i) => (i === at ? byte : x));
    else if (kind === 'insert') b = concatBytes([b.subarray(0, at), Uint8Array.of(byte), b.subarray(at)]);
    else if (kind === 'delete') b = concatBytes([b.subarray(0, at), b.subarray(at + 1)]);
    else if (kind === 'truncate') b = b.subarray(0, at);
    else b = concatBytes([b.subarray(0, at), b.subarray(at, at + 1 + (byte % 8)), b.subarray(at)]);
  }
  return b;
}

describe('decodeCbor properties (fast-check)', () => {
  it('rfc8949-5.3-hostile-bytes: arbitrary bytes decode or give a documented ComityError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 48 }), cborishBytes), (b) => {
        decodeOutcome(b);
      }),
      { numRuns: 600 },
    );
  });

  it('rfc8949-4.1-round-trip: decode(encode(v)) is v, in preferred serialization, re-encoded byte for byte', () => {
    fc.assert(
      fc.property(cborValue, (v) => {
        const encoded = encode(v);
        const spans = new WeakMap<object, Uint8Array>();
        const notes: DecodeNotes = { notPreferred: false, spans };
        const back = decodeCbor(encoded, {}, notes);
        expect(back).toEqual(v);
        expect(notes.notPreferred).toBe(false);
        expect(toHex(encode(back))).toBe(toHex(encoded));
        if (Array.isArray(back) || back instanceof Map) expect(toHex(spans.get(back) ?? new Uint8Array(0))).toBe(toHex(encoded));
      }),
      { numRuns: 400 },
    );
  });

  it('rfc8949-5.3-mutations: edits of a valid encoding decode or give a documented ComityError', () => {
    fc.assert(
      fc.property(cborValue, fc.array(mutation, { minLength: 1, maxLength: 3 }), (v, mutations) => {
        decodeOutcome(mutate(encode(v), mutations));
      }),
      { numRuns: 500 },
    );
  });

  it('rfc9052-4.2-mutations: edits of a valid COSE_Sign1 or COSE_Mac0 give only ComityErrors', () => {
    const sign1 = encode(
      new Tagged(18, [fromHex('a2012604420102'), new Map<number, CborValue>([[33, new Uint8Array(3)]]), new Uint8Array(4), new Uint8Array(8)]),
    );
    const mac0 = encode([fromHex('a10105'), new Map(), null, new Uint8Array(4)]);
    fc.assert(
      fc.property(fc.constantFrom(sign1, mac0), fc.array(mutation, { minLength: 1, maxLength: 3 }), (valid, mutations) => {
        coseOutcome(mutate(valid, mutations));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(cborishBytes, (b) => {
        coseOutcome(concatBytes([Uint8Array.of(0x84), b]));
      }),
      { numRuns: 300 },
    );
  });

  it('rfc8949-4.2.1-heads: cborHead writes the shortest head, which decodes to its argument', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.maxSafeInteger().map(Math.abs)), (n) => {
        const h = cborHead(0, n);
        expect(h.length).toBe(n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9);
        const notes: DecodeNotes = { notPreferred: false };
        expect(decodeCbor(h, {}, notes)).toBe(n);
        expect(notes.notPreferred).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('rfc8949-3.3-every-half: all 65536 half-precision floats decode, stay preferred and encode back', () => {
    const b = new Uint8Array(3);
    b[0] = 0xf9;
    const wrong: string[] = [];
    for (let h = 0; h < 0x10000; h++) {
      b[1] = h >> 8;
      b[2] = h & 0xff;
      const notes: DecodeNotes = { notPreferred: false };
      const again = encodeCborFloat(decodeCbor(b, {}, notes) as CborFloat);
      const nan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      const expected = nan ? 0x7e00 : h;
      if (notes.notPreferred || again.length !== 3 || again[0] !== 0xf9 || ((again[1] as number) << 8) + (again[2] as number) !== expected)
        wrong.push(h.toString(16));
    }
    expect(wrong).toEqual([]);
  });
});

describe('decodeCbor on hostile shapes', () => {
  const bad: ReadonlyArray<readonly [string, string, string]> = [
    ['1000 nested indefinite arrays', '9f'.repeat(1000), 'ERR_CBOR_INDEFINITE_LENGTH'],
    ['indefinite map', 'bf0102ff', 'ERR_CBOR_INDEFINITE_LENGTH'],
    ['indefinite text', '7f6161ff', 'ERR_CBOR_INDEFINITE_LENGTH'],
    ['break inside a definite array', '8201ff', 'ERR_CBOR_INDEFINITE_LENGTH'],
    ['break as a map key', 'a1ff01', 'ERR_CBOR_INDEFINITE_LENGTH'],
    ['a run of 10000 tags', `${'c1'.repeat(10_000)}00`, 'ERR_CBOR_TOO_DEEP'],
    ['map declaring 2^32-1 pairs over 2 bytes', 'ba ffffffff 0102', 'ERR_CBOR_TRUNCATED'],
    ['array declaring 2^53 elements', '9b 0020000000000000 00', 'ERR_CBOR_TOO_LARGE'],
    ['byte string declaring 2^32 bytes', '5b 0000000100000000 00', 'ERR_CBOR_TRUNCATED'],
    ['text declaring 2^53-1 bytes', '7b 001fffffffffffff 61', 'ERR_CBOR_TRUNCATED'],
    ['reserved additional information 30 on a map', 'be', 'ERR_CBOR_MALFORMED'],
    ['two-byte simple value below 32', 'f817', 'ERR_CBOR_UNSUPPORTED'],
    ['reserved major 7 information 28', 'fc', 'ERR_CBOR_UNSUPPORTED'],
    ['truncated double', 'fb3ff0', 'ERR_CBOR_TRUNCATED'],
    ['UTF-8 surrogate half in text', '63eda080', 'ERR_CBOR_UTF8'],
    ['overlong UTF-8 in text', '62c0af', 'ERR_CBOR_UTF8'],
    ['invalid UTF-8 in a map key', 'a162c32801', 'ERR_CBOR_UTF8'],
    ['duplicate key through a non-preferred head', 'a2 6161 01 7801 61 02', 'ERR_CBOR_DUPLICATE_KEY'],
    ['bignum-sized map key', 'a1 1bffffffffffffffff 00', 'ERR_CBOR_UNSUPPORTED'],
    ['tag 24 over text', 'd8186161', 'ERR_CBOR_MALFORMED'],
    ['64-bit tag number', 'db ffffffffffffffff 00', 'ERR_CBOR_UNSUPPORTED'],
    ['record tag 0xe000', 'd9e00080', 'ERR_CBOR_UNSUPPORTED'],
    ['trailing break', '00ff', 'ERR_CBOR_TRAILING_BYTES'],
  ];
  for (const [name, hex, code] of bad) {
    it(`rfc8949-strict: ${name} gives ${code}`, () => {
      expect(codeOf(() => decodeCbor(fromHex(hex.replace(/ /g, ''))))).toBe(code);
    });
  }

  it('rfc8949-3.4-tags: tdate (0) and full-date (1004) stay Tagged; tag 24 keeps its received bytes even when not preferred', () => {
    expect(decodeCbor(fromHex('c074323032342d30312d30315430303a30303a30305a'))).toEqual(new Tagged(0, '2024-01-01T00:00:00Z'));
    expect(decodeCbor(fromHex('d903ec6a323032342d30312d3031'))).toEqual(new Tagged(1004, '2024-01-01'));
    const notes: DecodeNotes = { notPreferred: false };
    const item = decodeCbor(fromHex('d818580161'), {}, notes) as DataItem;
    expect(toHex(item.raw)).toBe('d818580161');
    expect(notes.notPreferred).toBe(true);
  });

  it('rfc8949-5.6-proto-keys: "__proto__" and "constructor" map keys are own data, nothing is polluted', () => {
    // {"__proto__": {"polluted": 1}, "constructor": 2}
    const m = decodeCbor(fromHex('a2695f5f70726f746f5f5fa168706f6c6c75746564016b636f6e7374727563746f7202')) as CborMap;
    expect([...m.keys()]).toEqual(['__proto__', 'constructor']);
    expect(m.get('__proto__')).toEqual(new Map([['polluted', 1]]));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(m)).toBe(Map.prototype);
  });

  it('rfc8949-memory: nested array heads declaring the rest of the input reserve nothing before their elements exist', () => {
    // 48 arrays (the default depth), each declaring every remaining byte as an element, then a
    // stray break. Sizing arrays from their declared length reserved about 48 x 8 bytes per input
    // byte (3.3 GB and 7 s for 8 MiB) before the break was read; now refusal costs nothing.
    const n = 4 * 1024 * 1024;
    const input = new Uint8Array(n);
    for (let d = 0; d < 48; d++) input.set(cborHead(4, n - 5 * d - 5), 5 * d); // 9a + 4 bytes each
    input[48 * 5] = 0xff;
    // Tests do not time: this pins the outcome only (the old code reached it too, after seconds).
    expect(codeOf(() => decodeCbor(input))).toBe('ERR_CBOR_INDEFINITE_LENGTH');
  });

  it('rfc8949-memory-items: an input of many small items is refused past maxItems, not built (each empty map costs the heap ~200 bytes for its 1)', () => {
    const count = 300_000;
    const input = concatBytes([cborHead(4, count), new Uint8Array(count).fill(0xa0)]);
    expect(codeOf(() => decodeCbor(input))).toBe('ERR_CBOR_TOO_LARGE');
    const decoded = decodeCbor(input, { maxItems: count + 1 });
    expect(Array.isArray(decoded) && decoded.length).toBe(count);
    // The bound counts every item, the outer array included.
    expect(codeOf(() => decodeCbor(input, { maxItems: count }))).toBe('ERR_CBOR_TOO_LARGE');
  });

  it('rfc8949-limits-checked: limits that are not whole numbers are the caller mistake ERR_USAGE_CBOR_LIMITS, never a check switched off', () => {
    const deep = concatBytes([new Uint8Array(100).fill(0x81), new Uint8Array([0x00])]);
    for (const limits of [
      { maxDepth: Number.NaN },
      { maxDepth: -1 },
      { maxBytes: Number.NaN },
      { maxBytes: 1.5 },
      { maxItems: Number.POSITIVE_INFINITY },
      { maxDepth: '48' },
    ]) {
      let code = 'NO_ERROR';
      try {
        decodeCbor(deep, limits as never);
      } catch (e) {
        code = e instanceof ComityUsageError ? `usage:${e.code}` : String(e);
      }
      expect(code, JSON.stringify(limits)).toBe('usage:ERR_USAGE_CBOR_LIMITS');
    }
    expect(codeOf(() => decodeCbor(deep))).toBe('ERR_CBOR_TOO_DEEP');
  });

  it('limits: a custom code prefix applies to every failure of hostile bytes', () => {
    fc.assert(
      fc.property(cborishBytes, (b) => {
        try {
          decodeCbor(b, { codePrefix: 'ERR_X_CBOR' });
        } catch (e) {
          expect(e).toBeInstanceOf(ComityError);
          expect((e as ComityError).code).toMatch(/^ERR_X_CBOR_[A-Z0-9_]+$/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
