/** COSE_Sign1 / COSE_Mac0 structure and the Sig_structure (RFC 9052), shared by mdoc, CWT status lists and VICALs. */
import { describe, expect, it } from 'vitest';
import { CborFloat, coseToBeSigned, decodeCoseMac0, decodeCoseSign1, fromHex, toHex } from '../src/index.js';
import { codeOf } from './code-of.js';

// [h'a10126', {33: h'0102'}, h'6869', h'5151'] and its tagged (18) form.
const SIGN1 = '8443a10126a1182142010242686942 5151'.replace(/ /g, '');

describe('coseToBeSigned (RFC 9052 §4.4)', () => {
  it('rfc9052-4.4-sig-structure: ["Signature1", protected, h"", payload] over the received protected bytes', () => {
    expect(toHex(coseToBeSigned('Signature1', fromHex('a10126'), fromHex('6869')))).toBe('846a5369676e61747572653143a10126404268 69'.replace(/ /g, ''));
  });

  it('rfc9052-6.3-mac-structure: ["MAC0", protected, external_aad, payload] with long byte strings', () => {
    const payload = new Uint8Array(300).fill(7);
    const out = coseToBeSigned('MAC0', fromHex('a10105'), payload, fromHex('aa'));
    expect(toHex(out.subarray(0, 16))).toBe('84644d41433043a1010541aa59012c07');
    expect(out.length).toBe(16 + 299);
  });
});

describe('decodeCoseSign1 (RFC 9052 §4.2, RFC 9360)', () => {
  it('reads tagged and untagged forms, alg and a bare-bstr x5chain', () => {
    for (const hex of [SIGN1, `d2${SIGN1}`]) {
      const s = decodeCoseSign1(fromHex(hex));
      expect(s.alg).toBe('ES256');
      expect(toHex(s.protectedBytes)).toBe('a10126');
      expect(s.x5chain?.map(toHex)).toEqual(['0102']);
      expect(s.x5chainSingleArray).toBe(false);
      expect(toHex(s.payload as Uint8Array)).toBe('6869');
      expect(toHex(s.signature)).toBe('5151');
    }
  });

  it('rfc9360-2-x5chain-array: a one-element array is read and flagged', () => {
    const s = decodeCoseSign1(fromHex('8443a10126a118218142010242686942 5151'.replace(/ /g, '')));
    expect(s.x5chain?.map(toHex)).toEqual(['0102']);
    expect(s.x5chainSingleArray).toBe(true);
  });

  it('rfc9053-alg-int: an alg written as the float -7.0 names no algorithm', () => {
    const s = decodeCoseSign1(fromHex('844ba101fbc01c000000000000a0f64151'));
    expect(s.alg).toBeUndefined();
    expect(s.coseAlg).toEqual(new CborFloat(-7, 8));
    expect(s.payload).toBeNull();
  });

  const bad: ReadonlyArray<readonly [string, string, string]> = [
    ['not an array', 'a0', 'ERR_COSE_INVALID'],
    ['three members', '8343a10126a040', 'ERR_COSE_INVALID'],
    ['COSE_Mac0 tag (17)', `d1${SIGN1}`, 'ERR_COSE_INVALID'],
    ['protected header not a bstr', '84a10126a0426869425151', 'ERR_COSE_INVALID'],
    ['protected header not a map', '844101a0426869425151', 'ERR_COSE_INVALID'],
    ['unprotected header not a map', '8443a1012680426869425151', 'ERR_COSE_INVALID'],
    ['payload text', '8443a10126a0626869425151', 'ERR_COSE_INVALID'],
    ['signature null', '8443a10126a0426869f6', 'ERR_COSE_INVALID'],
    ['alg in both headers', '8443a10126a10126426869425151', 'ERR_COSE_INVALID'],
    ['empty x5chain array', '8443a10126a1182180426869425151', 'ERR_COSE_INVALID'],
    ['x5chain of text', '8443a10126a1182161 78426869425151'.replace(/ /g, ''), 'ERR_COSE_INVALID'],
    ['crit in the protected header', '8447a20126028118 63a0426869425151'.replace(/ /g, ''), 'ERR_COSE_CRIT'],
    ['protected header nested past 8', `84${'4c'}a101${'81'.repeat(9)}00a0426869425151`, 'ERR_CBOR_TOO_DEEP'],
  ];
  for (const [name, hex, code] of bad) {
    it(`rfc9052-strict: ${name} gives ${code}`, () => {
      expect(codeOf(() => decodeCoseSign1(fromHex(hex), { critCode: 'ERR_COSE_CRIT' }))).toBe(code);
    });
  }

  it('each format names its own codes', () => {
    expect(codeOf(() => decodeCoseSign1(fromHex('a0'), { code: 'ERR_X_COSE' }))).toBe('ERR_X_COSE');
    expect(codeOf(() => decodeCoseSign1(fromHex('8447a20126028118 63a0426869425151'.replace(/ /g, '')), { code: 'ERR_X_COSE' }))).toBe('ERR_X_COSE');
    expect(codeOf(() => decodeCoseSign1(fromHex('ff'), { cbor: { codePrefix: 'ERR_X_CBOR' } }))).toBe('ERR_X_CBOR_INDEFINITE_LENGTH');
  });
});

describe('decodeCoseMac0 (RFC 9052 §6.2)', () => {
  it('reads a detached HMAC 256/256 Mac0 and refuses the Sign1 tag', () => {
    const m = decodeCoseMac0(fromHex('8443a10105a0f6420102'));
    expect(m.coseAlg).toBe(5);
    expect(m.payload).toBeNull();
    expect(toHex(m.tag)).toBe('0102');
    expect(codeOf(() => decodeCoseMac0(fromHex('d28443a10105a0f6420102')))).toBe('ERR_COSE_INVALID');
  });
});
