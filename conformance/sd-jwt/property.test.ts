/**
 * Evidence item 2 (property test): for random claim sets, random disclosable subsets and
 * random requested subsets and decoys anywhere, issue -> present -> verify yields exactly the original claims
 * restricted to what was disclosed (a requested claim brings its subtree and its parents;
 * undisclosed array elements disappear; non-disclosable claims always stay).
 */
import type { ClaimPath } from '@comity/core';
import { localSigner, toPublicJwk } from '@comity/core';
import { issueSdJwt, pinnedIssuerKeys, presentSdJwt, verifySdJwt } from '@comity/sd-jwt-vc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIENCE, ctx, NONCE, testKeys } from './helpers/craft.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const RESERVED = new Set(['_sd', '...', '_sd_alg', '__proto__', 'cnf']);
const key = fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !RESERVED.has(k));
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
);
const tree = fc.letrec<{ node: Json; arr: Json[]; obj: { [key: string]: Json } }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('arr'), tie('obj')),
  arr: fc.array(tie('node'), { maxLength: 3 }),
  obj: fc.dictionary(key, tie('node'), { maxKeys: 3, noNullPrototype: true }),
}));
const claimsArb = fc.dictionary(key, tree.node, { minKeys: 1, maxKeys: 5, noNullPrototype: true });

function allPaths(value: Json, path: ClaimPath = []): ClaimPath[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...path, i], ...allPaths(v, [...path, i])]);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...path, k], ...allPaths(v, [...path, k])]);
  return [];
}

function isContainer(root: Json, path: ClaimPath): boolean {
  let v: unknown = root;
  for (const c of path) v = (v as Record<string | number, unknown>)[c as string | number];
  return v !== null && typeof v === 'object';
}

const isPrefix = (a: ClaimPath, b: ClaimPath) => a.length <= b.length && a.every((c, i) => c === b[i]);

/** The claims a verifier must see: disclosable nodes survive only when requested, inside a request, or above one. */
function expectedClaims(value: Json, disclosable: readonly ClaimPath[], requested: readonly ClaimPath[], path: ClaimPath = []): Json {
  const keep = (p: ClaimPath) => !disclosable.some((d) => isPrefix(d, p) && d.length === p.length) || requested.some((r) => isPrefix(r, p) || isPrefix(p, r));
  if (Array.isArray(value)) {
    const out: Json[] = [];
    value.forEach((v, i) => {
      const p = [...path, i];
      if (keep(p)) out.push(expectedClaims(v, disclosable, requested, p));
    });
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      const p = [...path, k];
      if (keep(p)) out[k] = expectedClaims(v, disclosable, requested, p);
    }
    return out;
  }
  return value;
}

const scenario = claimsArb
  .chain((claims) => {
    const paths = allPaths(claims);
    return fc.record({
      claims: fc.constant(claims),
      disclosable: fc.subarray(paths),
      // Decoy digests in any object or array (array decoys shift the signed positions, never the processed ones).
      decoys: fc
        .subarray([[], ...paths.filter((p) => isContainer(claims, p))])
        .chain((at) => fc.tuple(...at.map((path) => fc.record({ path: fc.constant(path), count: fc.integer({ min: 1, max: 2 }) })))),
      withKb: fc.boolean(),
    });
  })
  .chain((s) => fc.record({ s: fc.constant(s), requested: fc.subarray(s.disclosable) }));

describe('property: issue -> present -> verify', () => {
  it('verified claims equal the original restricted to the disclosed subset', async () => {
    const k = await testKeys();
    const issuer = localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto);
    const holder = localSigner(k.holder.privateJwk, 'ES256', ctx.crypto);
    const policy = { issuerKey: pinnedIssuerKeys([k.issuer.publicJwk]), typ: 'example+sd-jwt' };
    await fc.assert(
      fc.asyncProperty(scenario, async ({ s, requested }) => {
        const claims = s.withKb ? { ...s.claims, cnf: { jwk: toPublicJwk(k.holder.publicJwk) } } : s.claims;
        const credential = await issueSdJwt({ claims, disclosable: s.disclosable, decoys: s.decoys, header: { typ: 'example+sd-jwt' }, signer: issuer }, ctx);
        const presentation = await presentSdJwt(
          credential,
          { disclose: requested, ...(s.withKb ? { keyBinding: { signer: holder, audience: AUDIENCE, nonce: NONCE } } : {}) },
          ctx,
        );
        const result = await verifySdJwt(presentation, { ...policy, keyBinding: s.withKb ? { nonce: NONCE, audience: AUDIENCE } : { required: false } }, ctx);
        expect(result.errors).toEqual([]);
        const { cnf, ...verified } = result.claims;
        expect(verified).toEqual(expectedClaims(s.claims, s.disclosable, requested));
        if (s.withKb) expect(cnf).toEqual({ jwk: toPublicJwk(k.holder.publicJwk) });
        // Everything disclosed at issuance comes back when the holder discloses all.
        const all = await verifySdJwt(await presentSdJwt(credential, { disclose: 'all' }, ctx), { ...policy, keyBinding: { required: false } }, ctx);
        if (!s.withKb) expect(all.claims).toEqual(s.claims);
      }),
      { numRuns: 150, seed: 20261126 },
    );
  });

  it('any one-character change to a valid presentation makes it fail with a code, never a crash', async () => {
    const k = await testKeys();
    const holder = localSigner(k.holder.privateJwk, 'ES256', ctx.crypto);
    const credential = await issueSdJwt(
      {
        claims: {
          given_name: 'Erika',
          address: { locality: 'Berlin', country: 'DE' },
          nationalities: ['DE', 'FR'],
          cnf: { jwk: toPublicJwk(k.holder.publicJwk) },
        },
        disclosable: [['given_name'], ['address'], ['address', 'locality'], ['nationalities', 1]],
        header: { typ: 'example+sd-jwt' },
        signer: localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto),
      },
      ctx,
    );
    const presentation = await presentSdJwt(credential, { disclose: 'all', keyBinding: { signer: holder, audience: AUDIENCE, nonce: NONCE } }, ctx);
    const policy = { issuerKey: pinnedIssuerKeys([k.issuer.publicJwk]), typ: 'example+sd-jwt', keyBinding: { nonce: NONCE, audience: AUDIENCE } };
    expect((await verifySdJwt(presentation, policy, ctx)).valid).toBe(true);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~.=+/ ';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: presentation.length - 1 }), fc.constantFrom(...alphabet), async (at, c) => {
        fc.pre(presentation[at] !== c);
        const mutated = `${presentation.slice(0, at)}${c}${presentation.slice(at + 1)}`;
        const result = await verifySdJwt(mutated, policy, ctx);
        expect(result.valid).toBe(false);
        expect(result.errors.length).toBeGreaterThan(0);
        expect(result.errors.map((e) => e.code)).not.toContain('ERR_INTERNAL');
      }),
      { numRuns: 400, seed: 9901 },
    );
  });
});
