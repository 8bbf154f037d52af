/**
 * Differential test of core's compact JWS against jose (the design card's JOSE library):
 * each verifies what the other signs, for every default algorithm, and both refuse the
 * same tampering. core keeps its own JWS path for the injected crypto provider, the
 * caller-owned algorithm allow-list and the stable error codes.
 */
import { createContext, decodeCompactJws, localSigner, signCompactJws, verifyJwsSignature } from '@comity/core';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';

const ctx = createContext();

describe('compact JWS interop with jose 6', () => {
  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA'] as const) {
    it(`${alg}: jose verifies comity's JWS and comity verifies jose's`, async () => {
      const { privateJwk, publicJwk } = await ctx.crypto.generateKeyPair(alg);
      const joseAlg = alg === 'EdDSA' ? 'EdDSA' : alg;
      const comityToken = await signCompactJws({ typ: 'JWT' }, { sub: 'x', n: 1 }, localSigner(privateJwk, alg, ctx.crypto));
      const { payload } = await compactVerify(comityToken, await importJWK(publicJwk, joseAlg), { algorithms: [joseAlg] });
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ sub: 'x', n: 1 });

      const joseToken = await new CompactSign(new TextEncoder().encode(JSON.stringify({ sub: 'y' })))
        .setProtectedHeader({ alg: joseAlg, typ: 'JWT' })
        .sign(await importJWK(privateJwk, joseAlg));
      expect(await verifyJwsSignature(decodeCompactJws(joseToken), publicJwk, { algorithms: [alg], crypto: ctx.crypto })).toBe(alg);

      // Another payload under the same signature: both refuse it.
      const [h, , s] = joseToken.split('.') as [string, string, string];
      const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'z' })).toString('base64url')}.${s}`;
      await expect(compactVerify(tampered, await importJWK(publicJwk, joseAlg))).rejects.toThrow();
      await expect(verifyJwsSignature(decodeCompactJws(tampered), publicJwk, { algorithms: [alg], crypto: ctx.crypto })).rejects.toMatchObject({
        code: 'ERR_JWS_SIGNATURE_INVALID',
      });
    });
  }
});
