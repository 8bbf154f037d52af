/** The strict CBOR reader used for untrusted CBOR (RFC 8949). */
import { fromHex } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { CborFloat, CborReadError, CborSimple, CborTag, cborRead } from '../src/internal/cbor-read.js';

describe('strict CBOR reader', () => {
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
    ['rfc8949-text-utf8', '62c3bc', 'ü'],
    ['rfc8949-bytes', '4401020304', new Uint8Array([1, 2, 3, 4])],
    ['rfc8949-array', '83010203', [1, 2, 3]],
  ];
  for (const [name, hex, expected] of ok) {
    it(`${name}: ${hex}`, () => {
      expect(cborRead(fromHex(hex))).toEqual(expected);
    });
  }

  it('rfc8949-floats stay floats: half 1.0, single 100000.0, double 1.1, half -Infinity', () => {
    expect(cborRead(fromHex('f93c00'))).toEqual(new CborFloat(1));
    expect(cborRead(fromHex('fa47c35000'))).toEqual(new CborFloat(100000));
    expect(cborRead(fromHex('fb3ff199999999999a'))).toEqual(new CborFloat(1.1));
    expect(cborRead(fromHex('f9fc00'))).toEqual(new CborFloat(Number.NEGATIVE_INFINITY));
    expect(cborRead(fromHex('f90001'))).toEqual(new CborFloat(2 ** -24));
  });

  it('rfc8949-tags and simple values are returned, never applied', () => {
    expect(cborRead(fromHex('c11a514b67b0'))).toEqual(new CborTag(1, 1363896240));
    expect(cborRead(fromHex('f7'))).toEqual(new CborSimple(23));
    expect(cborRead(fromHex('f8ff'))).toEqual(new CborSimple(255));
  });

  it('rfc8949-map: integer and text keys become a Map', () => {
    expect(cborRead(fromHex('a20102636b657941ff'))).toEqual(
      new Map<unknown, unknown>([
        [1, 2],
        ['key', new Uint8Array([0xff])],
      ]),
    );
  });

  const bad: ReadonlyArray<readonly [string, string]> = [
    ['empty input', ''],
    ['truncated uint', '19'],
    ['truncated bytes', '4401'],
    ['trailing bytes', '0000'],
    ['indefinite array', '9f01ff'],
    ['indefinite bytes', '5f4101ff'],
    ['lone break', 'ff'],
    ['reserved additional info', '1c'],
    ['non-canonical simple', 'f814'],
    ['duplicate map key', 'a201020103'],
    ['array key', 'a1810102'],
    ['invalid UTF-8 text', '62c328'],
    ['declared length beyond input', '5a7fffffff'],
    ['64-bit length', '5bffffffffffffffff'],
    ['nesting deeper than 32', `${'81'.repeat(40)}00`],
  ];
  for (const [name, hex] of bad) {
    it(`rfc8949-strict: ${name}`, () => {
      expect(() => cborRead(fromHex(hex))).toThrow(CborReadError);
    });
  }
});
