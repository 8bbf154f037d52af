/**
 * The verifier role does not let the presenter, or a slip in the verifier's own expectations,
 * switch a rule off: the VC rules apply when the verifier names the vct values it accepts,
 * an expectation of the wrong type is a usage error, and an x5c chain is validated even when
 * the header kid names a pinned key.
 */
import { base64Encode, type ComityUsageError, createContext, type Jwk, localSigner } from '@comity/core';
import { type IssueSdJwtVcInput, issueSdJwt, issueSdJwtVc, presentSdJwt } from '@comity/sd-jwt-vc';
import { createVerifier, detectFormat } from '@comity/verifier';
import { beforeAll, describe, expect, it } from 'vitest';
import { mdocWallet, PID_DS_EKU, presentedPidMdoc, selfSignedCertificate } from './helpers.js';

const ctx = createContext();
const _day = 86_400_000;
const codes = (r: { errors: readonly { code: string }[] }) => r.errors.map((e) => e.code);
const binding = { nonce: 'n-strict', audience: 'https://rp.example.fr' };

let issuerKeys: { privateJwk: Jwk; publicJwk: Jwk };
let holderKeys: { privateJwk: Jwk; publicJwk: Jwk };
beforeAll(async () => {
  issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  holderKeys = await ctx.crypto.generateKeyPair('ES256');
});

/** An SD-JWT VC with age_over_18 disclosable, bound to the holder key; `extra` overrides any member. */
const issueVc = (extra: Partial<IssueSdJwtVcInput> = {}) =>
  issueSdJwtVc(
    {
      vct: 'urn:eudi:pid:1',
      claims: { age_over_18: true },
      disclosable: [['age_over_18']],
      holderKey: holderKeys.publicJwk,
      signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto),
      ...extra,
    },
    ctx,
  );

const present = (credential: string) =>
  presentSdJwt(credential, { disclose: [['age_over_18']], keyBinding: { signer: localSigner(holderKeys.privateJwk, 'ES256', ctx.crypto), ...binding } }, ctx);

describe('the presenter does not choose the rule set', () => {
  const plainWithVct = async () =>
    present(
      await issueSdJwt(
        {
          claims: { vct: 'urn:eudi:pid:1', iss: 'https://pid.example.de', age_over_18: true, cnf: { jwk: holderKeys.publicJwk } },
          disclosable: [['age_over_18']],
          signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto),
          header: { typ: 'example+sd-jwt' },
        },
        ctx,
      ),
    );

  it('a credential without the SD-JWT VC typ is refused when the verifier names the vct values it accepts', async () => {
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx });
    const result = await verifier.verify(await plainWithVct(), { ...binding, vctValues: ['urn:eudi:pid:1'] });
    expect(result.valid).toBe(false);
    expect(result.format).toBe('dc+sd-jwt');
    expect(codes(result)).toContain('ERR_SDJWT_TYP_MISMATCH');
    expect(result.claims).toEqual({});
  });

  it('without vctValues the same credential is a plain SD-JWT, and format says so', async () => {
    const result = await createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx }).verify(await plainWithVct(), binding);
    expect(codes(result)).toEqual([]);
    expect(result.format).toBe('sd-jwt');
  });
});

describe('expectations are checked before anything is verified', () => {
  const verifier = () => createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx });
  const usage = async (expect_: unknown) => {
    try {
      await verifier().verify('anything~', expect_ as never);
    } catch (e) {
      return (e as ComityUsageError).code;
    }
    return 'no error';
  };

  it.each([
    ['a format typo', { format: 'dc-sd-jwt' }],
    ['a numeric nonce', { nonce: 42 }],
    ['an empty nonce', { nonce: '' }],
    ['an audience that is not a string', { audience: ['https://rp.example.fr'] }],
    ['keyBinding as a string', { keyBinding: 'false' }],
    ['a negative KB age', { kbMaxAgeSeconds: -1 }],
    ['an empty vctValues list', { vctValues: [] }],
    ['a vctValues string', { vctValues: 'urn:eudi:pid:1' }],
    ['a transcript that is not bytes', { sessionTranscript: 'a0' }],
    ['a misspelt member', { aud: 'https://rp.example.fr' }],
    ['no object', null],
  ])('%s is ERR_USAGE_EXPECTATIONS', async (_, expectations) => {
    expect(await usage(expectations)).toBe('ERR_USAGE_EXPECTATIONS');
  });

  it('a handover the verifier cannot build rejects with ERR_USAGE_HANDOVER instead of hiding as ERR_INTERNAL in errors', async () => {
    const verify = verifier().verify('a0', { format: 'mso_mdoc', handover: { type: 'no-such-handover' } as never });
    await expect(verify).rejects.toMatchObject({ code: 'ERR_USAGE_HANDOVER' });
  });

  it('a valid expectation object passes to verification', async () => {
    const credential = await issueVc();
    const result = await verifier().verify(await present(credential), {
      ...binding,
      format: 'auto',
      keyBinding: true,
      kbMaxAgeSeconds: 60,
      vctValues: ['urn:eudi:pid:1'],
    });
    expect(codes(result)).toEqual([]);
  });
});

describe('a pinned key named by kid does not excuse the x5c chain', () => {
  it('an x5c chain to no configured anchor is refused although the kid names a pinned key', async () => {
    const selfSigned = await selfSignedCertificate(issuerKeys, 'C=DE, CN=pid.example.de (self-signed)');
    const otherRoot = await selfSignedCertificate(await ctx.crypto.generateKeyPair('ES256'), 'C=FR, CN=Another root', true);
    const credential = await issueVc({ header: { kid: 'pid-1', x5c: [base64Encode(selfSigned.der)] } });
    const vp = await present(credential);
    const pinned = { ...issuerKeys.publicJwk, kid: 'pid-1' };
    const withAnchors = await createVerifier({ issuerKeys: [pinned], trustAnchors: [otherRoot], ctx }).verify(vp, binding);
    expect(withAnchors.valid).toBe(false);
    expect(codes(withAnchors).some((c) => c.startsWith('ERR_X509_'))).toBe(true);
    expect(withAnchors.claims).toEqual({});
    // Without x5c validation configured, the pinned key alone decides, as documented.
    const pinnedOnly = await createVerifier({ issuerKeys: [pinned], ctx }).verify(vp, binding);
    expect(codes(pinnedOnly)).toEqual([]);
  });
});

describe('the verifier options', () => {
  it('algorithms restricts the KB-JWT as well as the issuer signature', async () => {
    const es384 = await ctx.crypto.generateKeyPair('ES384');
    const credential = await issueVc({ signer: localSigner(es384.privateJwk, 'ES384', ctx.crypto) });
    const vp = await present(credential); // the KB-JWT is ES256
    const only384 = await createVerifier({ issuerKeys: [es384.publicJwk], algorithms: ['ES384'], ctx }).verify(vp, binding);
    expect(codes(only384)).toEqual(['ERR_SDJWT_KB_ALG_NOT_ALLOWED']);
    const both = await createVerifier({ issuerKeys: [es384.publicJwk], algorithms: ['ES384', 'ES256'], ctx }).verify(vp, binding);
    expect(codes(both)).toEqual([]);
  });

  it('a status policy that is not an object is ERR_USAGE_STATUS_POLICY, not a TypeError from inside', () => {
    expect(() => createVerifier({ status: null as never, ctx })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATUS_POLICY' }));
  });

  it.each([
    ['maxAgeSeconds as text', { maxAgeSeconds: '60' }],
    ['maxAgeSeconds NaN', { maxAgeSeconds: Number.NaN }],
    ['allowLoopbackHttp as text', { allowLoopbackHttp: 'yes' }],
  ])('a status policy with %s is ERR_USAGE_STATUS_POLICY at createVerifier, not ERR_INTERNAL at every presentation', (_, bad) => {
    const status = { keys: [issuerKeys.publicJwk], ...bad } as never;
    expect(() => createVerifier({ status, ctx })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATUS_POLICY' }));
  });
});

describe('presentations given as bytes', () => {
  it('an SD-JWT VC received as a UTF-8 body is verified as an SD-JWT VC, not decoded as CBOR', async () => {
    const credential = await issueVc();
    const body = new TextEncoder().encode(`${await present(credential)}\n`);
    expect(detectFormat(body)).toBe('dc+sd-jwt');
    const result = await createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx }).verify(body, binding);
    expect(codes(result)).toEqual([]);
    expect(result.claims.age_over_18).toBe(true);
  });

  it('the VC typ is recognised as a media type, as the verifier and the wallet compare it', () => {
    const header = (typ: string) => Buffer.from(JSON.stringify({ alg: 'ES256', typ })).toString('base64url');
    for (const typ of ['dc+sd-jwt', 'application/dc+sd-jwt', 'DC+SD-JWT', 'vc+sd-jwt']) expect(detectFormat(`${header(typ)}.e30.c2ln~`)).toBe('dc+sd-jwt');
    expect(detectFormat(`${header('example+sd-jwt')}.e30.c2ln~`)).toBe('sd-jwt');
  });

  it('bytes that start with a CBOR map are an mdoc DeviceResponse', () => {
    expect(detectFormat(new Uint8Array([0xa3, 0x67]))).toBe('mso_mdoc');
  });
});

describe('mdoc and clock settings of the role', () => {
  it('documentSignerEkus admits an mdoc PID whose document signer is not an mDL signer; the default refuses it', async () => {
    const handover = { type: 'openid4vp' as const, clientId: 'x509_san_dns:rp.example', nonce: 'n-pid', responseUri: 'https://rp.example/response' };
    const { iaca, vp } = await presentedPidMdoc(holderKeys, handover);
    const strict = await createVerifier({ trustAnchors: [iaca], ctx }).verify(vp, { handover });
    expect(codes(strict)).toContain('ERR_MDOC_DS_PROFILE_EKU');
    const pid = await createVerifier({ trustAnchors: [iaca], documentSignerEkus: [PID_DS_EKU], ctx }).verify(vp, { handover });
    expect(codes(pid)).toEqual([]);
    expect(pid.claims).toEqual({ 'eu.europa.ec.eudi.pid.1': { age_over_18: true } });
  });

  it('mdocIssuingCountryNameSpaces reaches the country check: a club namespace issuing_country is its own data until the verifier names it', async () => {
    const { wallet, stored, handover, iaca } = await mdocWallet({
      nameSpaces: { 'org.iso.18013.5.1': { issuing_country: 'GR', age_over_18: true }, 'org.example.club.1': { issuing_country: 'FR' } },
    });
    const claims = [
      ['org.iso.18013.5.1', 'issuing_country'],
      ['org.example.club.1', 'issuing_country'],
    ];
    const vp = await wallet.present(stored.id, { verifier: handover.clientId, nonce: handover.nonce, handover, claims }, claims);
    const anchors = [iaca];
    const plain = await createVerifier({ trustAnchors: anchors, ctx }).verify(vp, { handover });
    expect(codes(plain)).toEqual([]);
    expect(plain.claims).toMatchObject({ 'org.example.club.1': { issuing_country: 'FR' } });
    const named = await createVerifier({ trustAnchors: anchors, mdocIssuingCountryNameSpaces: ['org.example.club.1'], ctx }).verify(vp, { handover });
    expect(codes(named)).toEqual(['ERR_MDOC_COUNTRY_MISMATCH']);
  });

  it('clockSkewSeconds reaches the SD-JWT exp check: expired 30 s ago passes the default 60 s, not a 0 s skew', async () => {
    const credential = await issueVc({ expiresAt: Math.floor(Date.now() / 1000) - 30 });
    const vp = await present(credential);
    expect(codes(await createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx }).verify(vp, binding))).toEqual([]);
    const noSkew = await createVerifier({ issuerKeys: [issuerKeys.publicJwk], clockSkewSeconds: 0, ctx }).verify(vp, binding);
    expect(codes(noSkew)).toEqual(['ERR_SDJWT_EXPIRED']);
  });

  it.each([
    ['an empty EKU list', { documentSignerEkus: [] }],
    ['an EKU name instead of an OID', { documentSignerEkus: ['mdlDS'] }],
    ['a negative mdoc tolerance', { mdocClockToleranceSeconds: -5 }],
    ['a clock skew that is not a number', { clockSkewSeconds: '60' }],
    ['country namespaces that are not a list', { mdocIssuingCountryNameSpaces: 'org.example.club.1' }],
    ['an empty country namespace', { mdocIssuingCountryNameSpaces: [''] }],
  ])('%s is ERR_USAGE_VERIFIER_OPTION at createVerifier', (_, option) => {
    expect(() => createVerifier({ ctx, ...(option as object) })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_VERIFIER_OPTION' }));
  });
});
