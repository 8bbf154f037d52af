/**
 * Issuer-side rules found while building the conformance suite: reserved claim names and a
 * `__proto__` claim, which used to vanish silently from the signed payload.
 */
import { ComityUsageError, localSigner } from '@comity/core';
import { decodeSdJwt, issueSdJwt, pinnedIssuerKeys, presentSdJwt, verifySdJwt } from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import { ctx, testKeys } from './helpers/craft.js';

const usageCode = (e: unknown) => (e instanceof ComityUsageError ? e.code : `not a ComityUsageError: ${String(e)}`);

describe('issueSdJwt claim names', () => {
  it.each(['_sd', '...', '_sd_alg'])('rfc9901-4.2-reserved-claim-name %s is refused', async (name) => {
    const k = await testKeys();
    const error = await issueSdJwt({ claims: { a: { [name]: 1 } }, signer: localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto) }, ctx).catch((e) => e);
    expect(usageCode(error)).toBe('ERR_USAGE_RESERVED_CLAIM');
  });

  it('a plain claim named __proto__ is refused instead of being dropped from the signed payload', async () => {
    const k = await testKeys();
    const signer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    const claims = JSON.parse('{"__proto__": {"a": 1}, "b": {"__proto__": 2, "c": 3}}') as Record<string, unknown>;
    expect(usageCode(await issueSdJwt({ claims, signer }, ctx).catch((e) => e))).toBe('ERR_USAGE_RESERVED_CLAIM');
    expect(usageCode(await issueSdJwt({ claims, disclosable: [['__proto__']], signer }, ctx).catch((e) => e))).toBe('ERR_USAGE_RESERVED_CLAIM');
  });

  it('a selectively disclosable claim named __proto__ round-trips as an own data property', async () => {
    const k = await testKeys();
    const signer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    const claims = JSON.parse('{"__proto__": {"a": 1}, "b": {"__proto__": 2, "c": 3}}') as Record<string, unknown>;
    const credential = await issueSdJwt({ claims, disclosable: [['__proto__'], ['b', '__proto__']], signer }, ctx);
    expect((await decodeSdJwt(credential, ctx)).claims).toEqual(claims);
    const result = await verifySdJwt(
      await presentSdJwt(credential, { disclose: [['b', '__proto__']] }, ctx),
      { issuerKey: pinnedIssuerKeys([k.issuer.publicJwk]), keyBinding: { required: false } },
      ctx,
    );
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.claims)).toEqual(['b']);
    expect(Object.hasOwn(result.claims.b as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result.claims.b)).toBe(Object.prototype);
  });
});
