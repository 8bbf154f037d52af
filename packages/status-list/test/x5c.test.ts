/** Status-list signer keys from X.509 chains, with their own anchors (draft-20 §10, §11.3; sd-jwt-js #305). */
import { type Certificate, createCertificate, createContext, defaultCrypto, type Jwk, KeyUsage, localSigner, type Signer } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { StatusList, signStatusListCwt, signStatusListJwt, verifyStatusListCwt, verifyStatusListJwt, x5cStatusKeyResolver } from '../src/index.js';
import { codeOf } from './code-of.js';

// id-kp-oauthStatusSigning is 1.3.6.1.5.5.7.3.TBD in draft-20; a private-arc OID stands in for it.
const STATUS_EKU = '1.3.6.1.4.1.55555.1.1';
const uri = 'https://status.example/x5c/1';
const ctx = createContext({ now: () => new Date('2027-01-01T00:00:00Z') });
const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2028-01-01T00:00:00Z');
const list = StatusList.fromBytes(new Uint8Array([0xb9, 0xa3]), 1);

let ca: Certificate;
let otherCa: Certificate;
let leaf: Certificate;
let leafNoEku: Certificate;
let leafNoSign: Certificate;
let signer: Signer;
let caPrivateJwk: Jwk;

const b64 = (c: Certificate): string => Buffer.from(c.der).toString('base64');

beforeAll(async () => {
  const caKey = await defaultCrypto.generateKeyPair('ES256');
  caPrivateJwk = caKey.privateJwk;
  const otherKey = await defaultCrypto.generateKeyPair('ES256');
  const leafKey = await defaultCrypto.generateKeyPair('ES256');
  const caTemplate = { notBefore, notAfter, ca: true, keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign };
  ca = await createCertificate({ ...caTemplate, subject: 'C=DE, O=Status CA, CN=Status CA', publicJwk: caKey.publicJwk, signingKey: caKey.privateJwk });
  otherCa = await createCertificate({ ...caTemplate, subject: 'C=DE, O=Other, CN=Other CA', publicJwk: otherKey.publicJwk, signingKey: otherKey.privateJwk });
  const leafTemplate = {
    subject: 'C=DE, O=Status Issuer, CN=Status Signer',
    publicJwk: leafKey.publicJwk,
    issuer: ca,
    signingKey: caKey.privateJwk,
    notBefore,
    notAfter,
  };
  leaf = await createCertificate({ ...leafTemplate, keyUsage: KeyUsage.digitalSignature, extKeyUsage: [STATUS_EKU] });
  leafNoEku = await createCertificate({ ...leafTemplate, keyUsage: KeyUsage.digitalSignature });
  leafNoSign = await createCertificate({ ...leafTemplate, keyUsage: KeyUsage.keyAgreement, extKeyUsage: [STATUS_EKU] });
  signer = localSigner(leafKey.privateJwk, 'ES256', defaultCrypto);
});

const jwt = (x5c: readonly string[]) => signStatusListJwt({ list, uri, iat: 1_798_000_000, signer, header: { x5c } });

describe('x5cStatusKeyResolver binds the signer to the status list it signs', () => {
  // Two status issuers certified under one shared status-list CA.
  const signerNaming = async (subjectAltName: { dns?: string[]; uri?: string[] } | undefined) => {
    const keys = await defaultCrypto.generateKeyPair('ES256');
    const cert = await createCertificate({
      subject: 'C=DE, O=Some Status Issuer, CN=Status Signer',
      publicJwk: keys.publicJwk,
      issuer: ca,
      signingKey: caPrivateJwk,
      notBefore,
      notAfter,
      keyUsage: KeyUsage.digitalSignature,
      ...(subjectAltName === undefined ? {} : { subjectAltName }),
    });
    const sign = localSigner(keys.privateJwk, 'ES256', defaultCrypto);
    return (at: string) => signStatusListJwt({ list, uri: at, iat: 1_798_000_000, signer: sign, header: { x5c: [b64(cert)] } });
  };

  it('status-list-11.3-uri-binding: a signer whose SAN names another host cannot sign this list; its own host, URI, or no SAN can', async () => {
    const keys = x5cStatusKeyResolver({ ctx, anchors: [ca] });
    const other = await signerNaming({ dns: ['status.other-issuer.example'] });
    expect(await codeOf(verifyStatusListJwt(await other(uri), { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
    const own = await signerNaming({ dns: ['STATUS.example'] });
    expect((await verifyStatusListJwt(await own(uri), { ctx, keys, uri })).list.get(0)).toBe(1);
    const byUri = await signerNaming({ uri: [uri] });
    expect((await verifyStatusListJwt(await byUri(uri), { ctx, keys, uri })).list.get(0)).toBe(1);
    const anotherList = 'https://status.example/x5c/2';
    expect(await codeOf(verifyStatusListJwt(await byUri(anotherList), { ctx, keys, uri: anotherList }))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
    // Without a SAN nothing can be compared: accepted by default, refused with uriBinding 'san'.
    const bare = await signerNaming(undefined);
    expect((await verifyStatusListJwt(await bare(uri), { ctx, keys, uri })).list.get(0)).toBe(1);
    const strict = x5cStatusKeyResolver({ ctx, anchors: [ca], uriBinding: 'san' });
    expect(await codeOf(verifyStatusListJwt(await bare(uri), { ctx, keys: strict, uri }))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
    // 'unverified' keeps the old behaviour for deployments that serve lists from another host.
    const loose = x5cStatusKeyResolver({ ctx, anchors: [ca], uriBinding: 'unverified' });
    expect((await verifyStatusListJwt(await other(uri), { ctx, keys: loose, uri })).list.get(0)).toBe(1);
    expect(() => x5cStatusKeyResolver({ ctx, anchors: [ca], uriBinding: 'SAN' as never })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATUS_KEYS' }));
  });
});

describe('x5cStatusKeyResolver', () => {
  it('status-list-11.3-x5c-anchored: a chain to the status-list anchor verifies, with the EKU required', async () => {
    const keys = x5cStatusKeyResolver({ ctx, anchors: [ca], requiredExtKeyUsage: STATUS_EKU });
    const verified = await verifyStatusListJwt(await jwt([b64(leaf)]), { ctx, keys, uri });
    expect(verified.list.get(0)).toBe(1);
    expect(verified.key).toEqual(leaf.publicJwk);
  });

  it('status-list-11.3-x5c-cwt: a CWT x5chain goes through the same resolver', async () => {
    const keys = x5cStatusKeyResolver({ ctx, anchors: [ca] });
    const cwt = await signStatusListCwt({ list, uri, iat: 1_798_000_000, signer, header: { x5chain: [leaf.der] } });
    expect((await verifyStatusListCwt(cwt, { ctx, keys, uri })).list.get(3)).toBe(1);
  });

  it('status-list-305-separate-trust: a chain to another (e.g. the credential issuer) anchor is ERR_STATUS_TOKEN_KEY_UNTRUSTED', async () => {
    const keys = x5cStatusKeyResolver({ ctx, anchors: [otherCa] });
    expect(await codeOf(verifyStatusListJwt(await jwt([b64(leaf)]), { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
  });

  it('status-list-10-eku-missing: without id-kp-oauthStatusSigning the signer is untrusted when the EKU is required', async () => {
    const keys = x5cStatusKeyResolver({ ctx, anchors: [ca], requiredExtKeyUsage: STATUS_EKU });
    expect(await codeOf(verifyStatusListJwt(await jwt([b64(leafNoEku)]), { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
  });

  it('status-list-11.3-key-usage: a leaf that may not sign is untrusted', async () => {
    const keys = x5cStatusKeyResolver({ ctx, anchors: [ca] });
    expect(await codeOf(verifyStatusListJwt(await jwt([b64(leafNoSign)]), { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
  });

  it('status-list-11.3-x5c-expired: a chain outside its validity at the context time is untrusted', async () => {
    const late = createContext({ now: () => new Date('2029-01-01T00:00:00Z') });
    const keys = x5cStatusKeyResolver({ ctx: late, anchors: [ca] });
    const token = await jwt([b64(leaf)]);
    expect(await codeOf(verifyStatusListJwt(token, { ctx: late, keys, uri }))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
  });

  it('status-list-11.3-x5c-other-key: a valid chain whose key did not sign the token is ERR_STATUS_TOKEN_SIGNATURE_INVALID', async () => {
    const keys = x5cStatusKeyResolver({ ctx, anchors: [ca] });
    const otherSigner = localSigner((await defaultCrypto.generateKeyPair('ES256')).privateJwk, 'ES256', defaultCrypto);
    const token = await signStatusListJwt({ list, uri, iat: 1_798_000_000, signer: otherSigner, header: { x5c: [b64(leaf)] } });
    expect(await codeOf(verifyStatusListJwt(token, { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_SIGNATURE_INVALID');
  });

  it('status-list-11.3-x5c-missing-or-junk: no chain, an empty chain or junk entries are refused with status codes', async () => {
    const keys = x5cStatusKeyResolver({ ctx, anchors: [ca] });
    const noChain = await signStatusListJwt({ list, uri, iat: 1_798_000_000, signer });
    expect(await codeOf(verifyStatusListJwt(noChain, { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_KEY_UNKNOWN');
    expect(await codeOf(verifyStatusListJwt(await jwt([]), { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_MALFORMED');
    expect(await codeOf(verifyStatusListJwt(await jwt(['not base64!']), { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_MALFORMED');
    expect(await codeOf(verifyStatusListJwt(await jwt(['AAAA']), { ctx, keys, uri }))).toBe('ERR_STATUS_TOKEN_KEY_UNTRUSTED');
  });
});
