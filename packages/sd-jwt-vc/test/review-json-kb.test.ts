/**
 * Adversarial review of @comity/sd-jwt-vc, second pass: the JWS JSON Serialization
 * (RFC 9901 §8), the Key Binding JWT (§4.3, §7.3), verification policies read while the
 * verification awaits, and results on refusal. Real keys and signatures, no mocks.
 */
import { localSigner, signCompactJws, toPublicJwk } from '@comity/core';
import { describe, expect, it } from 'vitest';
import {
  checkKeyBinding,
  compactOfSdJwtJson,
  type IssuerKeyResolver,
  type SdJwtJsonFlattened,
  splitSdJwt,
  toJsonSerialization,
  verifySdJwt,
  verifySdJwtVc,
} from '../src/index.js';
import { AUD, codeOf, codes, crafting, ctx, keys, NOW, pinned } from './fixtures/crafted.js';

const NONCE = 'n-review-2';
const { policy, disclose, vcPayload, kbJwt, craft } = crafting(NONCE);
/** An issuer key resolver that runs `during` while the verification awaits it. */
const resolverThat =
  (during: () => void): IssuerKeyResolver =>
  async (...args) => {
    during();
    return pinned()(...args);
  };

describe('holder key reuse across verifications (cnf.jwk, RFC 7800 §3.2)', () => {
  it('cnf-jwk-usage-per-credential: a key cached from one credential does not lift the alg/use/key_ops restriction of another', async () => {
    const h = await ctx.crypto.generateKeyPair('ES256');
    const pub = toPublicJwk(h.publicJwk);
    const verifyWith = async (jwk: Record<string, unknown>) =>
      codes(await verifySdJwtVc(await craft(vcPayload({ cnf: { jwk } }, h), [], {}, h), policy(), ctx));
    expect(await verifyWith(pub)).toEqual([]);
    // The KB-JWT is ES256; these issuers allowed the holder key for something else only.
    expect(await verifyWith({ ...pub, alg: 'ES384' })).toEqual(['ERR_SDJWT_KB_SIGNATURE_INVALID']);
    expect(await verifyWith({ ...pub, use: 'enc' })).toEqual(['ERR_SDJWT_KB_SIGNATURE_INVALID']);
    expect(await verifyWith({ ...pub, key_ops: ['encrypt'] })).toEqual(['ERR_SDJWT_KB_SIGNATURE_INVALID']);
    expect(await verifyWith({ ...pub, key_ops: 5 })).toEqual(['ERR_SDJWT_CNF_INVALID']);
    expect(await verifyWith({ ...pub, dp: 'AAAA' })).toEqual(['ERR_SDJWT_CNF_INVALID']);
    expect(await verifyWith(pub)).toEqual([]);
  });

  it("cnf-jwk-usage-per-credential: a restricted cnf seen first does not make the holder's unrestricted credentials fail", async () => {
    const h = await ctx.crypto.generateKeyPair('ES256');
    const pub = toPublicJwk(h.publicJwk);
    const verifyWith = async (jwk: Record<string, unknown>) =>
      codes(await verifySdJwtVc(await craft(vcPayload({ cnf: { jwk } }, h), [], {}, h), policy(), ctx));
    expect(await verifyWith({ ...pub, alg: 'ES384' })).toEqual(['ERR_SDJWT_KB_SIGNATURE_INVALID']);
    expect(await verifyWith(pub)).toEqual([]);
    expect(await verifyWith({ ...pub, alg: 'ES256' })).toEqual([]);
  });
});

describe('JWS JSON Serialization header rules (RFC 9901 §8, RFC 7515 §7.2.1)', () => {
  const signedWithHeader = async (protectedExtra: Record<string, unknown>) => {
    const given = await disclose('given_name', 'Erika');
    const jwt = await signCompactJws(
      { typ: 'dc+sd-jwt', ...protectedExtra },
      vcPayload({ _sd: [given.h] }),
      localSigner(keys.issuer.privateJwk, 'ES256', ctx.crypto),
    );
    const sdJwt = `${jwt}~${given.d}~`;
    return { vp: `${sdJwt}${await kbJwt(sdJwt)}`, given };
  };

  it('rfc7515-7.2.1-disclosures-disjoint: "disclosures" both protected and unprotected is refused', async () => {
    const { vp, given } = await signedWithHeader({ disclosures: [] });
    expect(codes(await verifySdJwtVc(toJsonSerialization(vp), policy(), ctx))).toEqual(['ERR_SDJWT_MALFORMED']);
    // Control: only in the unprotected header.
    const { vp: plain } = await signedWithHeader({});
    expect(codes(await verifySdJwtVc(toJsonSerialization(plain), policy(), ctx))).toEqual([]);
    expect(given.d).not.toBe('');
  });

  it('rfc7515-7.2.1-kb-jwt-disjoint: "kb_jwt" both protected and unprotected is refused', async () => {
    const { vp } = await signedWithHeader({ kb_jwt: 'x' });
    expect(codes(await verifySdJwtVc(toJsonSerialization(vp), policy(), ctx))).toEqual(['ERR_SDJWT_MALFORMED']);
  });

  it('rfc7515-4.1.11-crit-unprotected: a "crit" in the unprotected header is refused', async () => {
    const { vp } = await signedWithHeader({});
    const json = toJsonSerialization(vp) as SdJwtJsonFlattened;
    const withCrit = { ...json, header: { ...json.header, crit: ['exp'] } };
    expect(codes(await verifySdJwtVc(withCrit, policy(), ctx))).toEqual(['ERR_SDJWT_MALFORMED']);
  });

  it('rfc9901-8.1-kb-jwt-tilde: a kb_jwt holding "~" is refused, not moved into the Disclosures of the compact form', async () => {
    const { vp, given } = await signedWithHeader({});
    const json = toJsonSerialization(vp) as SdJwtJsonFlattened;
    // No Disclosures in the JSON form; the compact form built from it would have one.
    const smuggled = { ...json, header: { disclosures: [], kb_jwt: `${given.d}~${splitSdJwt(vp).kbJwt}` } };
    expect(await codeOf(() => compactOfSdJwtJson(smuggled))).toBe('ERR_SDJWT_MALFORMED');
    expect(codes(await verifySdJwtVc(smuggled, policy(), ctx))).toEqual(['ERR_SDJWT_MALFORMED']);
  });

  it("json-serialization-copied: Disclosures changed in the caller's object while verifying are not the ones processed", async () => {
    const given = await disclose('given_name', 'Erika');
    const other = await disclose('family_name', 'Mustermann');
    const vp = await craft(vcPayload({ _sd: [given.h, other.h] }), [given.d]);
    const json = toJsonSerialization(vp) as SdJwtJsonFlattened;
    const disclosures = json.header.disclosures as string[];
    // The KB-JWT signed over given_name; family_name is swapped in after the form was checked.
    const r = await verifySdJwtVc(json, policy({ issuerKey: resolverThat(() => disclosures.splice(0, 1, other.d)) }), ctx);
    expect(codes(r)).toEqual([]);
    expect(r.claims).toMatchObject({ given_name: 'Erika' });
    expect(r.claims.family_name).toBeUndefined();
  });
});

describe('the policy is the one the verification began with', () => {
  it('policy-snapshot-kb-nonce: a keyBinding.nonce set while the issuer key resolves does not change the check', async () => {
    const vp = await craft(vcPayload());
    const keyBinding = { nonce: 'the-nonce-of-this-request', audience: AUD };
    const r = await verifySdJwtVc(vp, { issuerKey: resolverThat(() => Object.assign(keyBinding, { nonce: NONCE })), keyBinding }, ctx);
    expect(codes(r)).toEqual(['ERR_SDJWT_KB_NONCE_MISMATCH']);
  });

  it('policy-snapshot-lists: vctValues and KB algorithms extended while verifying do not widen the check', async () => {
    const vp = await craft(vcPayload());
    const vctValues = ['urn:other'];
    const r1 = await verifySdJwtVc(vp, policy({ issuerKey: resolverThat(() => vctValues.push('urn:eudi:pid:1')), vctValues }), ctx);
    expect(codes(r1)).toEqual(['ERR_SDJWT_VC_VCT_NOT_ACCEPTED']);
    const algorithms: ('ES256' | 'ES384')[] = ['ES384'];
    const r2 = await verifySdJwtVc(
      vp,
      policy({ issuerKey: resolverThat(() => algorithms.push('ES256')), keyBinding: { nonce: NONCE, audience: AUD, algorithms } }),
      ctx,
    );
    expect(codes(r2)).toEqual(['ERR_SDJWT_KB_ALG_NOT_ALLOWED']);
  });

  it('policy-snapshot-getter: a maxAgeSeconds getter is read once, so a later NaN cannot switch the age check off', async () => {
    const vp = await craft(vcPayload(), [], { iat: NOW - 100_000 });
    let reads = 0;
    const keyBinding = {
      nonce: NONCE,
      audience: AUD,
      get maxAgeSeconds() {
        reads++;
        return reads <= 2 ? 300 : Number.NaN;
      },
    };
    expect(codes(await verifySdJwtVc(vp, { issuerKey: pinned(), keyBinding }, ctx))).toEqual(['ERR_SDJWT_KB_IAT_TOO_OLD']);
    expect(reads).toBe(1);
  });

  it('policy-snapshot-getter: checkKeyBinding reads its policy once too', async () => {
    const sdJwt = await craft(vcPayload(), [], false);
    const kb = await kbJwt(sdJwt, { iat: NOW - 100_000 });
    let reads = 0;
    const kbPolicy = {
      nonce: NONCE,
      audience: AUD,
      get maxAgeSeconds() {
        reads++;
        return reads <= 1 ? 300 : Number.NaN;
      },
    };
    const input = { cnfJwk: toPublicJwk(keys.holder.publicJwk), sdJwtWithoutKb: sdJwt, hashAlg: 'sha-256' as const, policy: kbPolicy, skewSeconds: 60 };
    expect(codes(await checkKeyBinding(kb, input, ctx))).toEqual(['ERR_SDJWT_KB_IAT_TOO_OLD']);
  });

  it('policy-list-type: a string where a list is expected is a usage error, not a substring match', async () => {
    const vp = await craft(vcPayload({ vct: 'urn:eudi' }));
    const vctValues = 'urn:eudi:pid:1' as unknown as string[];
    expect(await codeOf(verifySdJwtVc(vp, policy({ vctValues }), ctx))).toBe('ERR_USAGE_POLICY');
    const algorithms = 'ES256' as unknown as 'ES256'[];
    expect(await codeOf(verifySdJwt(vp, policy({ algorithms }), ctx))).toBe('ERR_USAGE_POLICY');
    // Control: the list form.
    expect(codes(await verifySdJwtVc(vp, policy({ vctValues: ['urn:eudi'] }), ctx))).toEqual([]);
  });
});

describe('refused results carry no credential data', () => {
  it('result-on-refusal: no claims, no holder key, no disclosed value in messages', async () => {
    const given = await disclose('given_name', 'Erika-Secret-Value');
    const vp = await craft(vcPayload({ _sd: [given.h] }), [given.d], { nonce: 'wrong' });
    const r = await verifySdJwtVc(vp, policy(), ctx);
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(['ERR_SDJWT_KB_NONCE_MISMATCH']);
    expect(r.claims).toEqual({});
    expect(r.keyBinding).toBeUndefined();
    expect(r.disclosedPaths).toEqual([]);
    const text = JSON.stringify(r);
    for (const secret of ['Erika-Secret-Value', given.d, String(keys.holder.publicJwk.x)]) expect(text).not.toContain(secret);
  });
});
