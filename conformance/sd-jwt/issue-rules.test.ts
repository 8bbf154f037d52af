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

describe('issueSdJwt decoys', () => {
  const claims = { items: Array.from({ length: 600 }, (_, i) => ({ n: i })), a: 1 };
  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '2'],
    ['above the bound', 1001],
    ['a per-path count that is not whole', [{ path: ['a'], count: 0.5 }]],
    ['a per-path entry without a claim path', [{ path: 'items', count: 1 }]],
    // 2 decoys in each of 600 objects: 1,200 in all, placed by one pattern.
    ['a pattern that multiplies past the bound', [{ path: ['items', null], count: 2 }]],
  ])('rfc9901-4.2.5-decoys %s is ERR_USAGE_DECOYS, never silently none or a runaway issuance', async (_, decoys) => {
    const k = await testKeys();
    const signer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    expect(usageCode(await issueSdJwt({ claims, decoys: decoys as never, signer }, ctx).catch((e) => e))).toBe('ERR_USAGE_DECOYS');
  });

  it('decoys up to the bound are issued: the limit refuses only what is above it', async () => {
    const k = await testKeys();
    const signer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    const credential = await issueSdJwt(
      {
        claims,
        decoys: [
          { path: ['items', null], count: 1 },
          { path: [], count: 400 },
        ],
        signer,
      },
      ctx,
    );
    const { payload } = await decodeSdJwt(credential, ctx);
    expect((payload._sd as unknown[]).length).toBe(400);
    expect(((payload.items as Array<{ _sd: unknown[] }>)[0] as { _sd: unknown[] })._sd.length).toBe(1);
  });
});

describe('issueSdJwt claim values', () => {
  const cyclic = (): Record<string, unknown> => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    return o;
  };
  const deep = (levels: number): unknown => {
    let v: unknown = 'bottom';
    for (let i = 0; i < levels; i++) v = { n: v };
    return v;
  };
  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a BigInt', 10n],
    ['a Date', new Date(0)],
    ['a Map', new Map([['k', 'v']])],
    ['a Set', new Set(['v'])],
    ['a boxed string', Object('DE')],
    ['a Uint8Array', new Uint8Array([1, 2])],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['an array hole', new Array(3)],
    ['an undefined array element', [1, undefined]],
    ['an undefined member', { given_name: 'Erika', middle_name: undefined }],
    ['a nested NaN', { scores: [1, Number.NaN] }],
    ['a cycle', cyclic()],
    ['containers nested deeper than a verifier reads', deep(65)],
  ])('sd-jwt-issue-json-values: %s is ERR_USAGE_CLAIM_VALUE, plain or disclosable, never silently changed', async (_, value) => {
    const k = await testKeys();
    const signer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    for (const disclosable of [[], [['x']]]) {
      const error = await issueSdJwt({ claims: { x: value }, disclosable, signer }, ctx).catch((e) => e);
      expect(usageCode(error), String(disclosable.length)).toBe('ERR_USAGE_CLAIM_VALUE');
    }
  });

  it('sd-jwt-issue-json-values: the deepest nesting a verifier reads is issued, and verifies', async () => {
    const k = await testKeys();
    const signer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    const credential = await issueSdJwt({ claims: { x: deep(64) as Record<string, unknown> }, disclosable: [['x']], signer }, ctx);
    const result = await verifySdJwt(credential, { issuerKey: pinnedIssuerKeys([k.issuer.publicJwk]), keyBinding: { required: false } }, ctx);
    expect(result.errors).toEqual([]);
  });

  it('sd-jwt-issue-json-values: an object member set to undefined is refused, plain or disclosable (it was absent, or a disclosed null)', async () => {
    const k = await testKeys();
    const signer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    const claims = { a: 1, address: { street: undefined, locality: 'Köln' } };
    for (const disclosable of [[], [['address', 'street']], [['address', 'locality']]]) {
      expect(usageCode(await issueSdJwt({ claims, disclosable, signer }, ctx).catch((e) => e))).toBe('ERR_USAGE_CLAIM_VALUE');
    }
  });

  it('sd-jwt-issue-json-values: a claim set that is not a plain object is ERR_USAGE_CLAIM_VALUE', async () => {
    const k = await testKeys();
    const signer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    for (const claims of [null, [], 'x', new Map()]) {
      expect(usageCode(await issueSdJwt({ claims: claims as never, signer }, ctx).catch((e) => e))).toBe('ERR_USAGE_CLAIM_VALUE');
    }
  });
});
