/** Encoding helpers: strict standard base64 (x5c, ETSI lists) and hex. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, base64urlDecode, base64urlDecodeUtf8, fromHex, toHex } from '../src/index.js';
import { codeOf } from './code-of.js';

// RFC 4648 §4 with padding, written the long way: the decoder's faster check must accept exactly this.
const CANONICAL_FORM = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// RFC 4648 §5 without padding, with zero unused bits in the last character, the long way.
const CANONICAL_URL_FORM = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-][AQgw]|[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048])?$/;

describe('base64urlDecode', () => {
  it('rfc4648-5: accepts exactly canonical unpadded base64url (property, against the long-form pattern)', () => {
    const unit = fc.constantFrom('A', 'B', 'Q', 'z', '0', '-', '_', '+', '/', '=', ' ', '\n', 'é', '.');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 13 }), (text) => {
        const expected = CANONICAL_URL_FORM.test(text) ? 'NO_ERROR' : 'ERR_ENCODING_BASE64URL';
        expect(codeOf(() => base64urlDecode(text))).toBe(expected);
        // The text decoder applies the same rule before it looks at UTF-8 (these bytes may not be UTF-8).
        const asText = codeOf(() => base64urlDecodeUtf8(text));
        expect(asText === 'ERR_ENCODING_UTF8' ? 'NO_ERROR' : asText).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('base64Decode', () => {
  it('rfc4648-4: accepts exactly the padded standard alphabet (property, against the long-form pattern)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('A', 'z', '0', '+', '/', '=', '-', '_', ' '), maxLength: 13 }), (text) => {
        const accepted = codeOf(() => base64Decode(text)) === 'NO_ERROR';
        expect(accepted).toBe(CANONICAL_FORM.test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('rfc4648-4: padding only at the end, at most two, in a length that is a multiple of 4', () => {
    for (const ok of ['', 'AA==', 'AAA=', 'AAAA', '+/+/', 'AAAAAA==']) expect(codeOf(() => base64Decode(ok))).toBe('NO_ERROR');
    for (const bad of ['A===', '====', 'AA=', 'AAAAA', 'AA=A', 'A=AA', '-_-_', 'AA AA', 'AAAA====', 'AA==AA==', 'AAAAA===']) {
      expect(codeOf(() => base64Decode(bad))).toBe('ERR_ENCODING_BASE64');
    }
  });

  it('round-trips bytes of every length through base64Encode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(base64Decode(base64Encode(bytes))).toEqual(bytes);
      }),
    );
  });
});

describe('toHex', () => {
  it('is lower-case hex of every byte on both paths (short: table, long: native) and fromHex reverses it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toBe(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''));
        expect(fromHex(hex)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
    expect(toHex(new Uint8Array(64).subarray(10, 60).fill(0xab))).toBe('ab'.repeat(50));
  });
});
