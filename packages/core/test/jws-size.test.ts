/**
 * decodeCompactJws' overall size bound (MAX_COMPACT_JWS_LENGTH): checked before any split or
 * decode, with the malformed-JWS code of the caller's prefix. Tests assert codes.
 */
import { describe, expect, it } from 'vitest';
import { base64urlEncodeText, ComityError, decodeCompactJws, defaultCrypto, localSigner, MAX_COMPACT_JWS_LENGTH, signCompactJws } from '../src/index.js';
import { codeOf } from './code-of.js';

/** A structurally valid token: header, payload `{"v": text}`, signature segment `sig`. */
const tokenWith = (text: string, sig = 'AAAA'): string =>
  `${base64urlEncodeText('{"alg":"ES256"}')}.${base64urlEncodeText(JSON.stringify({ v: text }))}.${sig}`;

describe('decodeCompactJws: overall size bound', () => {
  it('jws-size-limit: a well-formed token over MAX_COMPACT_JWS_LENGTH is refused before decoding, under each prefix', () => {
    // 750,000 three-byte characters: the decoded JSON text (~750k code units) is under the 1 MiB
    // JSON limit, so only the overall bound refuses the ~3 MB token.
    const token = tokenWith('€'.repeat(750_000));
    expect(token.length).toBeGreaterThan(MAX_COMPACT_JWS_LENGTH);
    expect(codeOf(() => decodeCompactJws(token))).toBe('ERR_JWS_MALFORMED');
    expect(codeOf(() => decodeCompactJws(token, 'issuer-signed JWT', 'ERR_SDJWT'))).toBe('ERR_SDJWT_MALFORMED');
    try {
      decodeCompactJws(token);
    } catch (e) {
      expect(e instanceof ComityError && e.details.reason).toBe('TOO_LARGE');
    }
  });

  it('jws-size-limit: junk over the bound is refused with the size reason, not scanned and decoded', () => {
    const junk = `${'a'.repeat(MAX_COMPACT_JWS_LENGTH)}.b.c`;
    let reason: unknown;
    try {
      decodeCompactJws(junk);
    } catch (e) {
      reason = e instanceof ComityError ? [e.code, e.details.reason] : e;
    }
    expect(reason).toEqual(['ERR_JWS_MALFORMED', 'TOO_LARGE']);
  });

  it('a signed token with a payload near the 1 MiB JSON limit still decodes and verifies', async () => {
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    const token = await signCompactJws({}, { v: 'x'.repeat(1_000_000) }, localSigner(privateJwk, 'ES256', defaultCrypto));
    expect(token.length).toBeLessThanOrEqual(MAX_COMPACT_JWS_LENGTH);
    const jws = decodeCompactJws(token);
    expect(await defaultCrypto.verify('ES256', publicJwk, jws.signingInput, jws.signature)).toBe(true);
    expect(codeOf(() => decodeCompactJws(tokenWith('x'.repeat(MAX_COMPACT_JWS_LENGTH))))).toBe('ERR_JWS_MALFORMED');
  });
});
