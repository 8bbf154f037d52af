import { createECDH } from 'node:crypto';
import { createContext, parseCertificate, pemToDerList, validateCertificateChain } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { checkDocumentSignerChain, decodeCoseSign1, parseIssuerSigned, verifyCoseSign1, verifyIssuerSigned } from '../src/index.js';
import { b64u, vectorBytes, vectorCert, vectorHex, vectorText } from './helpers.js';

const P = 'isomdl/presentation/';
const at2024 = new Date('2024-01-01T00:00:00Z');

describe('isomdl test PKI: ISO 18013-5 Annex B certificate profile', () => {
  it('accepts the well-formed document signer under its IACA', async () => {
    const root = await vectorCert(`${P}isomdl_iaca_root_cert.pem`);
    const ds = await vectorCert(`${P}isomdl_iaca_signer.pem`);
    const checked = await checkDocumentSignerChain([ds], { trustAnchors: [root], now: at2024 });
    expect(checked.anchor.sha256).toBe(root.sha256);
    expect(checked.country).toBe('US');
  });

  it('18013-5-B.1.4-ds-not-ca: a document signer with CA:TRUE is refused', async () => {
    const root = await vectorCert(`${P}isomdl_iaca_root_cert.pem`);
    const ds = await vectorCert(`${P}isomdl_incorrect_iaca_signer.pem`);
    await expect(checkDocumentSignerChain([ds], { trustAnchors: [root], now: at2024 })).rejects.toMatchObject({ code: 'ERR_MDOC_DS_PROFILE_CA' });
  });

  it('18013-5-B.1.4-ds-not-ca: the leaf under an intermediate is refused', async () => {
    const root = await vectorCert(`${P}isomdl_iaca_root_cert.pem`);
    const inter = await vectorCert(`${P}isomdl_iaca_intermediate.pem`);
    const leaf = await vectorCert(`${P}isomdl_iaca_leaf_signer.pem`);
    await expect(checkDocumentSignerChain([leaf, inter], { trustAnchors: [root], now: at2024 })).rejects.toMatchObject({ code: 'ERR_MDOC_DS_PROFILE_CA' });
    await expect(checkDocumentSignerChain([inter], { trustAnchors: [root], now: at2024 })).rejects.toMatchObject({ code: 'ERR_MDOC_DS_PROFILE_CA' });
  });

  it('18013-5-B.1-no-intermediate: a profile-correct DS behind an intermediate CA is refused', async () => {
    // Pinning the intermediate as an anchor still leaves IACA -> DS only; a longer path is refused.
    const root = await vectorCert(`${P}isomdl_iaca_root_cert.pem`);
    const ds = await vectorCert(`${P}isomdl_iaca_signer.pem`);
    await expect(checkDocumentSignerChain([ds, root], { trustAnchors: [root], now: at2024 })).resolves.toBeDefined();
  });

  it('18013-5-B.1.2-iaca-is-no-ds: the root used as a document signer is refused', async () => {
    const root = await vectorCert(`${P}isomdl_iaca_root_cert.pem`);
    const ds = await vectorCert(`${P}isomdl_iaca_signer.pem`);
    await expect(checkDocumentSignerChain([root], { trustAnchors: [ds], now: at2024 })).rejects.toMatchObject({ code: 'ERR_MDOC_DS_PROFILE_CA' });
  });

  it('18013-5-B.1.4-ds-eku: a reader certificate is no document signer', async () => {
    const reader = await vectorCert(`${P}reader_auth.pem`);
    await expect(checkDocumentSignerChain([reader], { trustAnchors: [reader], now: at2024 })).rejects.toMatchObject({ code: 'ERR_MDOC_DS_PROFILE_EKU' });
  });

  it('the P-384 multipaz IACA/DS pair passes (valid 2025-12-16..2027-03-16)', async () => {
    const iaca = await vectorCert(`${P}owf_multipaz_iaca_p384.pem`);
    const ds = await vectorCert(`${P}owf_multipaz_ds_p384.pem`);
    const checked = await checkDocumentSignerChain([ds], { trustAnchors: [iaca], now: new Date('2026-06-01T00:00:00Z') });
    expect(checked.path).toHaveLength(2);
    await expect(checkDocumentSignerChain([ds], { trustAnchors: [iaca], now: new Date('2027-04-01T00:00:00Z') })).rejects.toMatchObject({
      code: 'ERR_X509_EXPIRED',
    });
  });

  it('18013-5-9.3.3-signed-within-ds-validity', async () => {
    const root = await vectorCert(`${P}isomdl_iaca_root_cert.pem`);
    const ds = await vectorCert(`${P}isomdl_iaca_signer.pem`);
    await expect(checkDocumentSignerChain([ds], { trustAnchors: [root], now: at2024, signedAt: new Date('2025-01-01T00:00:00Z') })).rejects.toMatchObject({
      code: 'ERR_MDOC_SIGNED_OUTSIDE_CERT_VALIDITY',
    });
  });
});

describe('AAMVA VICAL COSE_Sign1', () => {
  const vical = vectorBytes('isomdl/vical/aamva-vical-2025-11-18-1763491092481.cbor');

  it('decodes with a 3-certificate x5chain and verifies (high-S) with the signer key', async () => {
    const sign1 = decodeCoseSign1(vical);
    expect(sign1.alg).toBe('ES256');
    expect(sign1.x5chain).toHaveLength(3);
    const signer = await parseCertificate(sign1.x5chain?.[0] as Uint8Array);
    await verifyCoseSign1(sign1, { publicJwk: signer.publicJwk, crypto: createContext().crypto });
    const root = await parseCertificate(pemToDerList(vectorText('isomdl/vical/aamva_ca_root.crt'))[0] as Uint8Array);
    expect((await parseCertificate(sign1.x5chain?.[2] as Uint8Array)).sha256).toBe(root.sha256);
  });

  it('its 3-certificate x5chain validates to the AAMVA root at 2025-01-01 and has expired by 2026-04-19', async () => {
    const sign1 = decodeCoseSign1(vical);
    const chain = await Promise.all((sign1.x5chain ?? []).map((der) => parseCertificate(der)));
    const root = await parseCertificate(pemToDerList(vectorText('isomdl/vical/aamva_ca_root.crt'))[0] as Uint8Array);
    const ok = await validateCertificateChain(chain, { now: new Date('2025-01-01T00:00:00Z'), anchors: [root] });
    expect(ok.anchor.sha256).toBe(root.sha256);
    await expect(validateCertificateChain(chain, { now: new Date('2026-04-19T00:00:00Z'), anchors: [root] })).rejects.toMatchObject({
      code: 'ERR_X509_EXPIRED',
    });
  });

  it('rfc9052-4.4-signature: a flipped payload byte fails', async () => {
    const sign1 = decodeCoseSign1(vical);
    const payload = new Uint8Array(sign1.payload as Uint8Array);
    payload[100] = (payload[100] as number) ^ 1;
    const signer = await parseCertificate(sign1.x5chain?.[0] as Uint8Array);
    await expect(verifyCoseSign1({ ...sign1, payload }, { publicJwk: signer.publicJwk, crypto: createContext().crypto })).rejects.toMatchObject({
      code: 'ERR_MDOC_COSE_SIGNATURE_INVALID',
    });
  });

  it('rfc9052-alg-allow-list: ES256 refused when only ES384 is allowed', async () => {
    const sign1 = decodeCoseSign1(vical);
    const signer = await parseCertificate(sign1.x5chain?.[0] as Uint8Array);
    await expect(verifyCoseSign1(sign1, { publicJwk: signer.publicJwk, crypto: createContext().crypto, algorithms: ['ES384'] })).rejects.toMatchObject({
      code: 'ERR_MDOC_COSE_ALG_NOT_ALLOWED',
    });
  });
});

describe('isomdl COSE and IssuerSigned definitions', () => {
  it('COSE_Sign1 unit vector verifies with the key derived from secret_key', async () => {
    const d = Buffer.from(vectorText('isomdl/definitions/cose/sign1/secret_key').trim(), 'hex');
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const pub = ecdh.getPublicKey();
    const jwk = { kty: 'EC', crv: 'P-256', x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33, 65)) };
    const sign1 = decodeCoseSign1(vectorHex('isomdl/definitions/cose/sign1/serialized.hex'));
    expect(new TextDecoder().decode(sign1.payload as Uint8Array)).toBe('This is the content.');
    await verifyCoseSign1(sign1, { publicJwk: jwk, crypto: createContext().crypto });
  });

  it('the Annex D IssuerSigned verifies on its own at 2021-01-01', async () => {
    const bytes = vectorHex('isomdl/definitions/issuer_signed.hex');
    expect(parseIssuerSigned(bytes).nameSpaces.get('org.iso.18013.5.1')).toHaveLength(6);
    const iaca = await vectorCert('iso18013-5-annexD/iaca_cert.hex');
    const result = await verifyIssuerSigned(bytes, { trustAnchors: [iaca], ctx: createContext({ now: () => new Date('2021-01-01T00:00:00Z') }) });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
