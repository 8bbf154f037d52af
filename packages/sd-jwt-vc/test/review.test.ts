/**
 * Adversarial review of @comity/sd-jwt-vc: each test names the rule it enforces and was
 * seen failing on the code before its fix. Real keys and signatures, no mocks.
 */
import { base64urlEncode, createCertificate, createContext, KeyUsage, localSigner, signCompactJws, toPublicJwk, utf8Encode } from '@comity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeSdJwt,
  issuerKeyResolverFor,
  pinnedIssuerKeys,
  resolveTypeMetadata,
  type SdJwtVcVerifyPolicy,
  toJsonSerialization,
  typeMetadataCheck,
  verifySdJwt,
  verifySdJwtVc,
} from '../src/index.js';
import { AUD, codeOf, codes, crafting, ctx, keys, NOW, pinned } from './fixtures/crafted.js';
import { type LoopbackServer, startLoopbackServer } from './fixtures/issuer-key/harness.js';

const NONCE = 'n-review-1';
const { policy, b64json, disclose, vcPayload, craft } = crafting(NONCE);

describe('Key Binding JWT: valid in all other respects (RFC 9901 §7.3 step 8, RFC 7519 §4.1.4-4.1.5)', () => {
  it('control: a crafted presentation verifies, also with a KB-JWT exp in the future', async () => {
    const given = await disclose('given_name', 'Erika');
    const vp = await craft(vcPayload({ _sd: [given.h] }), [given.d], { exp: NOW + 300, nbf: NOW - 10 });
    const r = await verifySdJwtVc(vp, policy(), ctx);
    expect(codes(r)).toEqual([]);
    expect(r.claims.given_name).toBe('Erika');
  });

  it('rfc7519-4.1.4-kb-exp-passed: a KB-JWT whose own exp has passed is refused', async () => {
    const vp = await craft(vcPayload(), [], { exp: NOW - 3600 });
    const r = await verifySdJwtVc(vp, policy(), ctx);
    expect(codes(r)).toEqual(['ERR_SDJWT_KB_EXPIRED']);
    expect(r.claims).toEqual({});
    // Within the clock skew it still verifies.
    expect(codes(await verifySdJwtVc(await craft(vcPayload(), [], { exp: NOW - 30 }), policy(), ctx))).toEqual([]);
  });

  it('rfc7519-4.1.5-kb-nbf-future: a KB-JWT not valid before a future time is refused', async () => {
    const vp = await craft(vcPayload(), [], { nbf: NOW + 3600 });
    expect(codes(await verifySdJwt(vp, policy(), ctx))).toEqual(['ERR_SDJWT_KB_NOT_YET_VALID']);
  });

  it('rfc7519-2-kb-exp-not-numeric-date: a KB-JWT exp or nbf of another type is malformed', async () => {
    for (const set of [{ exp: String(NOW + 300) }, { nbf: null }, { exp: [NOW + 300] }]) {
      expect(codes(await verifySdJwtVc(await craft(vcPayload(), [], set), policy(), ctx))).toEqual(['ERR_SDJWT_KB_MALFORMED']);
    }
  });
});

describe('_sd_alg of the wrong type (RFC 9901 §4.1.1)', () => {
  it('rfc9901-4.1.1-sd-alg-null: "_sd_alg": null is refused, not taken as the sha-256 default', async () => {
    const given = await disclose('given_name', 'Erika');
    const vp = await craft(vcPayload({ _sd_alg: null, _sd: [given.h] }), [given.d]);
    expect(codes(await verifySdJwtVc(vp, policy(), ctx))).toEqual(['ERR_SDJWT_SD_ALG_UNSUPPORTED']);
    expect(await codeOf(decodeSdJwt(vp, ctx))).toBe('ERR_SDJWT_SD_ALG_UNSUPPORTED');
    // Control: absent means sha-256.
    expect(codes(await verifySdJwtVc(await craft(vcPayload({ _sd: [given.h] }), [given.d]), policy(), ctx))).toEqual([]);
  });
});

describe('numeric policy options fail closed', () => {
  it('policy-time-options: a NaN, negative or non-number clock skew or KB max age is a usage error, not "no time check"', async () => {
    const expired = await craft(vcPayload({ exp: NOW - 100_000 }), [], { iat: NOW - 100_000 });
    const bad: Partial<SdJwtVcVerifyPolicy>[] = [
      { clockSkewSeconds: Number.NaN },
      { clockSkewSeconds: -1 },
      { clockSkewSeconds: Number.POSITIVE_INFINITY },
      { clockSkewSeconds: '60' as unknown as number },
      { keyBinding: { nonce: NONCE, audience: AUD, maxAgeSeconds: Number.NaN } },
      { keyBinding: { nonce: NONCE, audience: AUD, maxAgeSeconds: -5 } },
    ];
    for (const extra of bad) {
      expect(await codeOf(verifySdJwtVc(expired, policy(extra), ctx))).toBe('ERR_USAGE_POLICY');
      expect(await codeOf(verifySdJwt(expired, policy(extra), ctx))).toBe('ERR_USAGE_POLICY');
    }
    // Control: valid options report the expired credential and the stale KB-JWT.
    expect(codes(await verifySdJwtVc(expired, policy({ clockSkewSeconds: 0 }), ctx))).toEqual(['ERR_SDJWT_EXPIRED', 'ERR_SDJWT_KB_IAT_TOO_OLD']);
  });

  it('type-metadata-max-depth: a NaN or negative maxDepth is a usage error, not an unbounded extends chain', async () => {
    const registry = { 'urn:t0': { vct: 'urn:t0', extends: 'urn:t1' }, 'urn:t1': { vct: 'urn:t1' } };
    for (const maxDepth of [Number.NaN, -1, 1.5]) {
      expect(await codeOf(resolveTypeMetadata('urn:t0', { ctx, registry, maxDepth }))).toBe('ERR_USAGE_POLICY');
    }
    expect((await resolveTypeMetadata('urn:t0', { ctx, registry, maxDepth: 1 })).chain).toEqual(['urn:t0', 'urn:t1']);
  });
});

describe('issuer key candidates (draft-ietf-oauth-sd-jwt-vc §2.5)', () => {
  it('sd-jwt-vc-2.5-pinned-keys-do-not-crowd-out: with 8 pinned keys the key the credential names (DID) is still tried', async () => {
    const others = await Promise.all(Array.from({ length: 8 }, () => ctx.crypto.generateKeyPair('ES256')));
    const did = `did:jwk:${b64json(toPublicJwk(keys.issuer.publicJwk))}`;
    const jwt = await signCompactJws({ typ: 'dc+sd-jwt', kid: `${did}#0` }, vcPayload({ iss: did }), localSigner(keys.issuer.privateJwk, 'ES256', ctx.crypto));
    const issuerKey = issuerKeyResolverFor({ pinnedKeys: others.map((o) => o.publicJwk), did: true });
    const r = await verifySdJwtVc(`${jwt}~`, { issuerKey, keyBinding: { required: false } }, ctx);
    expect(codes(r)).toEqual([]);
    expect(r.issuer).toMatchObject({ id: did, keyMethod: 'did' });
  });

  it('sd-jwt-vc-2.5-many-pinned-keys: the ninth and later pinned keys verify credentials too', async () => {
    const others = await Promise.all(Array.from({ length: 11 }, () => ctx.crypto.generateKeyPair('ES256')));
    const vp = await craft(vcPayload(), [], false);
    const issuerKey = pinnedIssuerKeys([...others.map((o) => o.publicJwk), keys.issuer.publicJwk]);
    expect(codes(await verifySdJwtVc(vp, { issuerKey, keyBinding: { required: false } }, ctx))).toEqual([]);
    // Control: without the issuer key it does not verify.
    expect(codes(await verifySdJwtVc(vp, { issuerKey: pinnedIssuerKeys(others.map((o) => o.publicJwk)), keyBinding: { required: false } }, ctx))).toEqual([
      'ERR_SDJWT_SIGNATURE_INVALID',
    ]);
  });
});

describe('hostile input size (Type Metadata validation)', () => {
  // A hang guard, not a speed test: linear work answers in well under a second here; the
  // quadratic scan took over 15 s, past the 10 s timeout.
  it('sd-jwt-vc-5.6-validation-linear: claim metadata over thousands of arrays hiding elements is not quadratic', { timeout: 10_000 }, async () => {
    // A signed credential (any key a deferred x5c anchoring accepts would do) whose "a" holds
    // 8000 arrays, each hiding one element: 8000 undisclosed parents. 40 claim paths select
    // an index in each of them. Each lookup used to scan every undisclosed parent.
    const n = 8000;
    const a = Array.from({ length: n }, (_, i) => [{ '...': base64urlEncode(utf8Encode(String(i).padStart(32, '0'))) }]);
    const vct = 'urn:review:wide';
    const registry = { [vct]: { vct, claims: Array.from({ length: 40 }, (_, k) => ({ path: ['a', null, k + 1], mandatory: true })) } };
    const vp = await craft(vcPayload({ vct, a }), [], false);
    const r = await verifySdJwtVc(vp, { issuerKey: pinned(), keyBinding: { required: false }, typeMetadata: typeMetadataCheck({ ctx, registry }) }, ctx);
    expect(codes(r)).toEqual([]);
    expect(r.undisclosedParents).toHaveLength(n);
  });
});

describe('aka_vcts (draft-ietf-oauth-sd-jwt-vc §2.2.2.2)', () => {
  it('sd-jwt-vc-2.2.2.2-aka-vcts-shape: an empty array, or one repeating vct, is refused', async () => {
    for (const aka_vcts of [[], ['urn:eudi:pid:1'], ['urn:eudi:pid', 'urn:eudi:pid:1'], ['']]) {
      const vp = await craft(vcPayload({ aka_vcts }), [], false);
      const r = await verifySdJwtVc(vp, { issuerKey: pinned(), keyBinding: { required: false } }, ctx);
      expect(r.errors.map((e) => [e.code, e.path])).toEqual([['ERR_SDJWT_CLAIM_TYPE', ['aka_vcts']]]);
    }
    // Control: another type is accepted and matched.
    const ok = await craft(vcPayload({ aka_vcts: ['urn:eudi:pid'] }), [], false);
    expect(codes(await verifySdJwtVc(ok, { issuerKey: pinned(), keyBinding: { required: false }, vctValues: ['urn:eudi:pid'] }, ctx))).toEqual([]);
  });
});

describe('JWS JSON Serialization: the key is found from signed header parameters (draft-ietf-oauth-sd-jwt-vc §2.5)', () => {
  it('sd-jwt-vc-2.5-x5c-unprotected: an x5c added to the unprotected header does not choose the issuer identity', async () => {
    const root = await ctx.crypto.generateKeyPair('ES256');
    const validity = { notBefore: new Date((NOW - 86_400) * 1000), notAfter: new Date((NOW + 86_400) * 1000) };
    const rootCert = await createCertificate({
      subject: 'C=DE, O=Review, CN=Review Root',
      publicJwk: root.publicJwk,
      signingKey: root.privateJwk,
      ca: true,
      keyUsage: KeyUsage.keyCertSign,
      ...validity,
    });
    // A certificate for the issuer key naming another organisation.
    const leaf = await createCertificate({
      subject: 'C=FR, O=Someone Else, CN=Not The Issuer',
      publicJwk: keys.issuer.publicJwk,
      issuer: rootCert,
      signingKey: root.privateJwk,
      keyUsage: KeyUsage.digitalSignature,
      ...validity,
    });
    const x5c = [Buffer.from(leaf.der).toString('base64')];
    const { iss: _iss, ...payload } = vcPayload();
    const issuerKey = issuerKeyResolverFor({ trustAnchors: [rootCert] });
    const p = { issuerKey, keyBinding: { required: false } };
    // Signed without x5c; anyone relaying the JSON form may add unprotected members.
    const relayed = toJsonSerialization(await craft(payload, [], false), { header: { x5c } });
    const r = await verifySdJwtVc(relayed, p, ctx);
    expect(codes(r)).toEqual(['ERR_SDJWT_ISSUER_KEY_UNRESOLVED']);
    expect(r.issuer).toBeUndefined();
    // Control: the same chain in the protected header is the issuer's own statement.
    const jwt = await signCompactJws({ typ: 'dc+sd-jwt', x5c }, payload, localSigner(keys.issuer.privateJwk, 'ES256', ctx.crypto));
    const signed = await verifySdJwtVc(toJsonSerialization(`${jwt}~`), p, ctx);
    expect(codes(signed)).toEqual([]);
    expect(signed.issuer).toMatchObject({ id: leaf.subject, keyMethod: 'x5c' });
  });
});

describe('Type Metadata cache (draft-ietf-oauth-sd-jwt-vc §5.3.4) over real HTTP on loopback', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterAll(() => server.close());
  const fetchCtx = createContext({ now: () => new Date(NOW * 1000), fetch: globalThis.fetch });
  const sri = async (bytes: Uint8Array) => `sha256-${Buffer.from(await ctx.crypto.digest('sha-256', bytes)).toString('base64')}`;

  it('sd-jwt-vc-5.3.4-cache-unpinned-extends: an extended type fetched without extends#integrity is not cached for good', async () => {
    const parentUrl = `${server.origin}/types/parent`;
    const childUrl = `${server.origin}/types/child`;
    const childBytes = utf8Encode(JSON.stringify({ vct: childUrl, extends: parentUrl }));
    server.routes.set('/types/parent', { body: JSON.stringify({ vct: parentUrl, claims: [{ path: ['given_name'], sd: 'allowed' }] }) });
    server.routes.set('/types/child', { body: childBytes });
    const vp = await craft(vcPayload({ vct: childUrl, 'vct#integrity': await sri(childBytes), given_name: 'Erika' }), [], false);
    const p = { issuerKey: pinned(), keyBinding: { required: false }, typeMetadata: typeMetadataCheck({ ctx: fetchCtx, fetch: { allowLoopbackHttp: true } }) };
    expect(codes(await verifySdJwtVc(vp, p, fetchCtx))).toEqual([]);
    // The parent type now requires given_name to be selectively disclosable.
    server.routes.set('/types/parent', { body: JSON.stringify({ vct: parentUrl, claims: [{ path: ['given_name'], sd: 'always' }] }) });
    server.requests.length = 0;
    expect(codes(await verifySdJwtVc(vp, p, fetchCtx))).toEqual(['ERR_SDJWT_VCT_SD_ALWAYS_VIOLATED']);
    expect(server.requests).toEqual(['/types/child', '/types/parent']);
  });

  it('control: a chain pinned link by link is cached under (vct, integrity)', async () => {
    const parentUrl = `${server.origin}/types/pinned-parent`;
    const childUrl = `${server.origin}/types/pinned-child`;
    const parentBytes = utf8Encode(JSON.stringify({ vct: parentUrl, claims: [{ path: ['given_name'], sd: 'allowed' }] }));
    const childBytes = utf8Encode(JSON.stringify({ vct: childUrl, extends: parentUrl, 'extends#integrity': await sri(parentBytes) }));
    server.routes.set('/types/pinned-parent', { body: parentBytes });
    server.routes.set('/types/pinned-child', { body: childBytes });
    const vp = await craft(vcPayload({ vct: childUrl, 'vct#integrity': await sri(childBytes), given_name: 'Erika' }), [], false);
    const p = { issuerKey: pinned(), keyBinding: { required: false }, typeMetadata: typeMetadataCheck({ ctx: fetchCtx, fetch: { allowLoopbackHttp: true } }) };
    expect(codes(await verifySdJwtVc(vp, p, fetchCtx))).toEqual([]);
    server.requests.length = 0;
    expect(codes(await verifySdJwtVc(vp, p, fetchCtx))).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});
