/** The one strict CBOR decoder (RFC 8949) every format reads untrusted CBOR with. */
import { describe, expect, it } from 'vitest';
import { CborFloat, DataItem, type DecodeNotes, decodeCbor, encodeCborFloat, fromHex, Tagged, toHex } from '../src/index.js';
import { codeOf } from './code-of.js';

describe('decodeCbor: RFC 8949 Appendix A values', () => {
  const ok: ReadonlyArray<readonly [string, string, unknown]> = [
    ['rfc8949-uint-0', '00', 0],
    ['rfc8949-uint-23', '17', 23],
    ['rfc8949-uint-24', '1818', 24],
    ['rfc8949-uint-1000', '1903e8', 1000],
    ['rfc8949-uint-1000000', '1a000f4240', 1_000_000],
    ['rfc8949-uint-2^32', '1b0000000100000000', 2 ** 32],
    ['rfc8949-uint-2^64-1', '1bffffffffffffffff', 18446744073709551615n],
    ['rfc8949-nint-minus-1', '20', -1],
    ['rfc8949-nint-minus-1000', '3903e7', -1000],
    ['rfc8949-nint-minus-2^64', '3bffffffffffffffff', -18446744073709551616n],
    ['rfc8949-false', 'f4', false],
    ['rfc8949-true', 'f5', true],
    ['rfc8949-null', 'f6', null],
    ['rfc8949-undefined', 'f7', undefined],
    ['rfc8949-text-utf8', '62c3bc', 'ü'],
    ['rfc8949-bytes', '4401020304', new Uint8Array([1, 2, 3, 4])],
    ['rfc8949-array', '83010203', [1, 2, 3]],
    ['rfc8949-tag-1', 'c11a514b67b0', new Tagged(1, 1363896240)],
    [
      'rfc8949-map',
      'a20102636b657941ff',
      new Map<unknown, unknown>([
        [1, 2],
        ['key', new Uint8Array([0xff])],
      ]),
    ],
  ];
  for (const [name, hex, expected] of ok) {
    it(`${name}: ${hex}`, () => {
      expect(decodeCbor(fromHex(hex))).toEqual(expected);
    });
  }

  it('rfc8949-3.3: floats stay floats, at their received width, and never pass as integers', () => {
    expect(decodeCbor(fromHex('f93c00'))).toEqual(new CborFloat(1, 2));
    expect(decodeCbor(fromHex('fa47c35000'))).toEqual(new CborFloat(100000, 4));
    expect(decodeCbor(fromHex('fb3ff199999999999a'))).toEqual(new CborFloat(1.1, 8));
    expect(decodeCbor(fromHex('f9fc00'))).toEqual(new CborFloat(Number.NEGATIVE_INFINITY, 2));
    expect(decodeCbor(fromHex('f90001'))).toEqual(new CborFloat(2 ** -24, 2));
    expect(typeof decodeCbor(fromHex('fb3ff0000000000000'))).not.toBe('number');
  });

  it('rfc8949-3.3: a decoded float encodes back to its received bytes', () => {
    for (const hex of [
      'f90000',
      'f98000',
      'f93c00',
      'f97bff',
      'f90001',
      'f903ff',
      'f90400',
      'f9c400',
      'f97c00',
      'f9fc00',
      'f97e00',
      'fa47c35000',
      'fa7f800000',
      'fb3ff199999999999a',
      'fbc010666666666666',
    ]) {
      expect(toHex(encodeCborFloat(decodeCbor(fromHex(hex)) as CborFloat))).toBe(hex);
    }
  });

  it('rfc8949-3.4.5.1: tag 24 keeps the exact received bytes of the embedded item', () => {
    const item = decodeCbor(fromHex('d818456449455446'));
    expect(item).toBeInstanceOf(DataItem);
    expect(toHex((item as DataItem).raw)).toBe('d818456449455446');
    expect(toHex((item as DataItem).content)).toBe('6449455446');
  });

  it('rfc8949-4.1: input outside preferred serialization is noted, not refused', () => {
    const notes: DecodeNotes = { notPreferred: false };
    expect(decodeCbor(fromHex('1817'), {}, notes)).toBe(23);
    expect(notes.notPreferred).toBe(true);
    const floatNotes: DecodeNotes = { notPreferred: false };
    decodeCbor(fromHex('fb3ff0000000000000'), {}, floatNotes);
    expect(floatNotes.notPreferred).toBe(true);
    const fine: DecodeNotes = { notPreferred: false };
    decodeCbor(fromHex('a20102636b657941ff'), {}, fine);
    expect(fine.notPreferred).toBe(false);
  });
});

describe('decodeCbor: strict refusals with stable codes', () => {
  const bad: ReadonlyArray<readonly [string, string, string]> = [
    ['empty input', '', 'ERR_CBOR_TRUNCATED'],
    ['truncated uint', '19', 'ERR_CBOR_TRUNCATED'],
    ['truncated bytes', '4401', 'ERR_CBOR_TRUNCATED'],
    ['trailing bytes', '0000', 'ERR_CBOR_TRAILING_BYTES'],
    ['indefinite array', '9f01ff', 'ERR_CBOR_INDEFINITE_LENGTH'],
    ['indefinite bytes', '5f4101ff', 'ERR_CBOR_INDEFINITE_LENGTH'],
    ['lone break', 'ff', 'ERR_CBOR_INDEFINITE_LENGTH'],
    ['reserved additional info', '1c', 'ERR_CBOR_MALFORMED'],
    ['unassigned simple value', 'f0', 'ERR_CBOR_UNSUPPORTED'],
    ['two-byte simple value', 'f8ff', 'ERR_CBOR_UNSUPPORTED'],
    ['duplicate map key', 'a201020103', 'ERR_CBOR_DUPLICATE_KEY'],
    ['array map key', 'a1810102', 'ERR_CBOR_UNSUPPORTED'],
    ['float map key', 'a1f93c0001', 'ERR_CBOR_UNSUPPORTED'],
    ['shared-reference tag 28', 'd81c80', 'ERR_CBOR_UNSUPPORTED'],
    ['set tag 258', 'd9010280', 'ERR_CBOR_UNSUPPORTED'],
    ['tag 24 over an integer', 'd81801', 'ERR_CBOR_MALFORMED'],
    ['invalid UTF-8 text', '62c328', 'ERR_CBOR_UTF8'],
    ['declared length beyond input', '5a7fffffff', 'ERR_CBOR_TRUNCATED'],
    ['64-bit length', '5bffffffffffffffff', 'ERR_CBOR_TOO_LARGE'],
    ['nesting deeper than the limit', `${'81'.repeat(60)}00`, 'ERR_CBOR_TOO_DEEP'],
  ];
  for (const [name, hex, code] of bad) {
    it(`rfc8949-strict: ${name} gives ${code}`, () => {
      expect(codeOf(() => decodeCbor(fromHex(hex)))).toBe(code);
    });
  }

  it('limits: size and depth are the caller’s, and the code family is the caller’s prefix', () => {
    expect(codeOf(() => decodeCbor(new Uint8Array(65), { maxBytes: 64 }))).toBe('ERR_CBOR_TOO_LARGE');
    expect(codeOf(() => decodeCbor(fromHex(`${'81'.repeat(9)}00`), { maxDepth: 8 }))).toBe('ERR_CBOR_TOO_DEEP');
    expect(decodeCbor(fromHex(`${'81'.repeat(8)}00`), { maxDepth: 8 })).toEqual([[[[[[[[0]]]]]]]]);
    expect(codeOf(() => decodeCbor(fromHex('0000'), { codePrefix: 'ERR_STATUS_LIST_CBOR' }))).toBe('ERR_STATUS_LIST_CBOR_TRAILING_BYTES');
    expect(codeOf(() => decodeCbor('a0' as unknown as Uint8Array))).toBe('ERR_CBOR_MALFORMED');
  });
});
