import { createCertificate, createContext, KeyUsage, localSigner, toHex } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildSessionTranscript,
  createTestDocumentSigner,
  createTestIaca,
  decodeCoseSign1,
  EKU_MDL_DOCUMENT_SIGNER,
  inspectMdoc,
  issueMdoc,
  parseIssuerSigned,
  presentMdoc,
  verifyDeviceResponse,
  verifyIssuerSigned,
} from '../src/index.js';
import { decodeCbor } from '../src/internal/cbor.js';
import { deviceSigner, issueTestMdl, MDL, makePki, NS, type Pki } from './fixtures.js';

let pki: Pki;
let issued: Uint8Array;
let transcript: Uint8Array;
const disclose = [
  [NS, 'family_name'],
  [NS, 'birth_date'],
  [NS, 'portrait'],
  [NS, 'driving_privileges'],
];

beforeAll(async () => {
  pki = await makePki();
  issued = await issueTestMdl(pki);
  transcript = await buildSessionTranscript(
    { type: 'openid4vp', clientId: 'x509_san_dns:verifier.example', nonce: 'n-0S6_WzA2Mj', responseUri: 'https://verifier.example/response' },
    pki.ctx,
  );
});

describe('issue → present → verify', () => {
  it('discloses exactly the requested 4 of 12 elements with a deviceSignature', async () => {
    const response = await presentMdoc({ issuerSigned: issued, disclose, deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });
    const [doc] = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx, docType: MDL });
    expect(doc?.errors).toEqual([]);
    expect(doc?.warnings).toEqual([]);
    expect(doc?.claims).toEqual({
      [NS]: {
        family_name: 'Mustermann',
        birth_date: '1984-01-26',
        portrait: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]).toString('base64url'),
        driving_privileges: [{ vehicle_category_code: 'B', issue_date: '2002-05-01', expiry_date: '2034-02-28' }],
      },
    });
    expect(doc?.issuer?.country).toBe('DE');
    expect(doc?.issuer?.certificateChain).toEqual([pki.ds.certificate.sha256, pki.iaca.certificate.sha256]);
  });

  it('the holder copies IssuerSignedItemBytes and issuerAuth byte for byte', async () => {
    const response = await presentMdoc({ issuerSigned: issued, disclose, deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });
    const hexResponse = toHex(response);
    const parsed = parseIssuerSigned(issued);
    for (const item of parsed.nameSpaces.get(NS) ?? []) {
      const inResponse = hexResponse.includes(toHex(item.bytes.raw));
      expect(inResponse).toBe(disclose.some((p) => p[1] === item.elementIdentifier));
    }
    const issuerAuthHex = toHex(issued).slice(toHex(issued).indexOf('6a69737375657241757468') + 22);
    expect(hexResponse).toContain(issuerAuthHex);
  });

  it('issues the profile encodings: tag-0 tdates without fractions, tag 1004 full-dates, x5chain as one bstr, random digestIDs', () => {
    const parsed = parseIssuerSigned(issued);
    const v = parsed.mso.validityInfo;
    expect(v.signed.text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(parsed.warnings).toEqual([]);
    expect(toHex(issued)).toContain(`d903ec6a${toHex(new TextEncoder().encode('1984-01-26'))}`);
    const sign1 = decodeCoseSign1((decodeCbor(issued) as Map<string, never>).get('issuerAuth'));
    expect(sign1.x5chainSingleArray).toBe(false);
    expect(sign1.unprotectedHeader.get(33)).toBeInstanceOf(Uint8Array);
    const ids = (parsed.nameSpaces.get(NS) ?? []).map((i) => i.digestID);
    expect(new Set(ids).size).toBe(12);
    expect(ids.filter((id, i) => id === i)).not.toHaveLength(12);
    expect((parsed.nameSpaces.get(NS) ?? []).every((i) => i.random.length >= 16)).toBe(true);
  });

  it('deviceMac with the reader ephemeral key', async () => {
    const reader = await pki.ctx.crypto.generateKeyPair('ES256');
    const response = await presentMdoc({
      issuerSigned: issued,
      disclose,
      deviceMacKey: { devicePrivateJwk: pki.device.privateJwk, readerPublicJwk: reader.publicJwk },
      sessionTranscript: transcript,
      ctx: pki.ctx,
    });
    const [doc] = await verifyDeviceResponse(response, {
      trustAnchors: [pki.iaca.certificate],
      sessionTranscript: transcript,
      readerPrivateKey: reader.privateJwk,
      ctx: pki.ctx,
    });
    expect(doc?.errors).toEqual([]);
    const other = await pki.ctx.crypto.generateKeyPair('ES256');
    const [bad] = await verifyDeviceResponse(response, {
      trustAnchors: [pki.iaca.certificate],
      sessionTranscript: transcript,
      readerPrivateKey: other.privateJwk,
      ctx: pki.ctx,
    });
    expect(bad?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_MAC_INVALID']);
  });

  it('openid4vp-B.2.6-transcript-mismatch: a changed nonce fails the device signature', async () => {
    const response = await presentMdoc({ issuerSigned: issued, disclose, deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });
    const other = await buildSessionTranscript(
      { type: 'openid4vp', clientId: 'x509_san_dns:verifier.example', nonce: 'other', responseUri: 'https://verifier.example/response' },
      pki.ctx,
    );
    const [doc] = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: other, ctx: pki.ctx });
    expect(doc?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_SIGNATURE_INVALID']);
    expect(doc?.claims).toEqual({});
  });

  it('18013-5-9.1.3.6-device-key: a signature by another key fails', async () => {
    const stranger = await makePki(pki.ctx);
    const response = await presentMdoc({ issuerSigned: issued, disclose, deviceSigner: deviceSigner(stranger), sessionTranscript: transcript, ctx: pki.ctx });
    const [doc] = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(doc?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_SIGNATURE_INVALID']);
  });

  it('18013-5-9.1.2.4-key-authorizations: device-signed elements need keyAuthorizations', async () => {
    const withKa = await issueTestMdl(pki, { keyAuthorizations: { dataElements: { [NS]: ['age_over_21'] } } });
    const present = (issuerSigned: Uint8Array, el: string) =>
      presentMdoc({
        issuerSigned,
        disclose,
        deviceNameSpaces: { [NS]: { [el]: true } },
        deviceSigner: deviceSigner(pki),
        sessionTranscript: transcript,
        ctx: pki.ctx,
      });
    const opts = { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx };
    const [ok] = await verifyDeviceResponse(await present(withKa, 'age_over_21'), opts);
    expect(ok?.errors).toEqual([]);
    expect(ok?.deviceClaims).toEqual({ [NS]: { age_over_21: true } });
    const [denied] = await verifyDeviceResponse(await present(withKa, 'age_over_65'), opts);
    expect(denied?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_ELEMENT_UNAUTHORIZED']);
    const [none] = await verifyDeviceResponse(await present(issued, 'age_over_21'), opts);
    expect(none?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_ELEMENT_UNAUTHORIZED']);
  });

  it('18013-5-9.3.1-validity: expired and not-yet-valid MSOs are refused', async () => {
    const now = pki.ctx.now();
    const day = 86_400_000;
    const old = await issueTestMdl(pki, {
      validity: { signed: new Date(now.getTime() - 0.5 * day), validFrom: new Date(now.getTime() - 0.5 * day), validUntil: new Date(now.getTime() - 60_000) },
    });
    const future = await issueTestMdl(pki, {
      validity: { signed: now, validFrom: new Date(now.getTime() + day), validUntil: new Date(now.getTime() + 2 * day) },
    });
    expect((await verifyIssuerSigned(old, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx })).errors.map((e) => e.code)).toEqual(['ERR_MDOC_EXPIRED']);
    expect((await verifyIssuerSigned(future, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx })).errors.map((e) => e.code)).toEqual([
      'ERR_MDOC_NOT_YET_VALID',
    ]);
  });

  it('18013-5-9.3.3-issuing-country: issuing_country must match the document signer C', async () => {
    const fr = await issueTestMdl(pki, { nameSpaces: { [NS]: { family_name: 'X', issuing_country: 'FR' } } });
    const result = await verifyIssuerSigned(fr, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx });
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_MDOC_COUNTRY_MISMATCH']);
  });

  it('SHA-384 and SHA-512 MSOs, P-384 document signer, EU PID docType', async () => {
    const ctx = createContext();
    const iaca = await createTestIaca({ ctx, country: 'FR', alg: 'ES384' });
    const ds = await createTestDocumentSigner({ ctx, iaca, alg: 'ES384' });
    for (const digestAlgorithm of ['SHA-384', 'SHA-512'] as const) {
      const pid = await issueMdoc({
        docType: 'eu.europa.ec.eudi.pid.1',
        nameSpaces: { 'eu.europa.ec.eudi.pid.1': { family_name: 'Dupont', place_of_birth: { country: 'FR', locality: 'Lyon' }, nationality: ['FR'] } },
        deviceKey: pki.device.publicJwk,
        signer: ds.signer,
        certificateChain: [ds.certificate],
        validity: { signed: ctx.now(), validFrom: ctx.now(), validUntil: new Date(Date.now() + 86_400_000) },
        digestAlgorithm,
        ctx,
      });
      const result = await verifyIssuerSigned(pid, { trustAnchors: [iaca.certificate], ctx, docType: 'eu.europa.ec.eudi.pid.1' });
      expect(result.errors).toEqual([]);
      expect(result.claims['eu.europa.ec.eudi.pid.1']?.place_of_birth).toEqual({ country: 'FR', locality: 'Lyon' });
      const refused = await verifyIssuerSigned(pid, { trustAnchors: [iaca.certificate], ctx, allowedAlgorithms: ['ES256'] });
      expect(refused.errors.map((e) => e.code)).toEqual(['ERR_MDOC_COSE_ALG_NOT_ALLOWED']);
    }
  });

  it('18013-5-B.1-no-intermediate: a document signer under an intermediate CA is refused; x5chain of two is an array', async () => {
    const ctx = pki.ctx;
    const rootKeys = await ctx.crypto.generateKeyPair('ES256');
    const interKeys = await ctx.crypto.generateKeyPair('ES256');
    const dsKeys = await ctx.crypto.generateKeyPair('ES256');
    const nb = new Date(Date.now() - 86_400_000);
    const na = new Date(Date.now() + 86_400_000);
    const root = await createCertificate({
      subject: 'C=DE, CN=Root',
      publicJwk: rootKeys.publicJwk,
      signingKey: rootKeys.privateJwk,
      notBefore: nb,
      notAfter: na,
      ca: true,
      pathLength: 1,
      keyUsage: KeyUsage.keyCertSign,
    });
    const inter = await createCertificate({
      subject: 'C=DE, CN=Inter',
      publicJwk: interKeys.publicJwk,
      issuer: root,
      signingKey: rootKeys.privateJwk,
      notBefore: nb,
      notAfter: na,
      ca: true,
      pathLength: 0,
      keyUsage: KeyUsage.keyCertSign,
    });
    const ds = await createCertificate({
      subject: 'C=DE, CN=DS',
      publicJwk: dsKeys.publicJwk,
      issuer: inter,
      signingKey: interKeys.privateJwk,
      notBefore: nb,
      notAfter: na,
      keyUsage: KeyUsage.digitalSignature,
      extKeyUsage: [EKU_MDL_DOCUMENT_SIGNER],
    });
    const signer = { alg: 'ES256' as const, sign: (d: Uint8Array) => ctx.crypto.sign('ES256', dsKeys.privateJwk, d) };
    const doc = await issueTestMdl(pki, { signer, certificateChain: [ds, inter] });
    const parsed = parseIssuerSigned(doc);
    expect(parsed.issuerAuth.x5chain).toHaveLength(2);
    const result = await verifyIssuerSigned(doc, { trustAnchors: [root], ctx });
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_MDOC_CHAIN_PROFILE']);
    await expect(issueTestMdl(pki, { signer, certificateChain: [ds, inter, root] })).rejects.toMatchObject({ code: 'ERR_USAGE_MDOC_ISSUE' });
  });

  it.each(['EdDSA', 'ES384'] as const)('%s device keys sign DeviceAuthentication', async (alg) => {
    const dev = await pki.ctx.crypto.generateKeyPair(alg);
    const doc = await issueTestMdl(pki, { deviceKey: dev.publicJwk });
    const response = await presentMdoc({
      issuerSigned: doc,
      disclose,
      deviceSigner: localSigner(dev.privateJwk, alg, pki.ctx.crypto),
      sessionTranscript: transcript,
      ctx: pki.ctx,
    });
    const [ok] = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(ok?.errors).toEqual([]);
    expect(ok?.deviceKey?.kty).toBe(alg === 'EdDSA' ? 'OKP' : 'EC');
    const [refused] = await verifyDeviceResponse(response, {
      trustAnchors: [pki.iaca.certificate],
      sessionTranscript: transcript,
      ctx: pki.ctx,
      allowedAlgorithms: ['ES256'],
    });
    expect(refused?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_COSE_ALG_NOT_ALLOWED']);
  });

  it('18013-5-9.3.3-anchor-removed: editing the anchor array in place takes effect (no stale chain cache)', async () => {
    const anchors = [pki.iaca.certificate];
    expect((await verifyIssuerSigned(issued, { trustAnchors: anchors, ctx: pki.ctx })).valid).toBe(true);
    const other = await createTestIaca({ ctx: pki.ctx, country: 'DE' });
    anchors[0] = other.certificate;
    expect((await verifyIssuerSigned(issued, { trustAnchors: anchors, ctx: pki.ctx })).errors.map((e) => e.code)).toEqual(['ERR_X509_CHAIN_UNANCHORED']);
  });

  it('18013-5-9.3.3-untrusted: another IACA does not anchor', async () => {
    const other = await createTestIaca({ ctx: pki.ctx, country: 'DE' });
    const result = await verifyIssuerSigned(issued, { trustAnchors: [other.certificate], ctx: pki.ctx });
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_X509_CHAIN_UNANCHORED']);
  });
});

describe('several documents', () => {
  it('presents an mDL and a PID in one DeviceResponse; one result per document, in order', async () => {
    const pid = await issueMdoc({
      docType: 'eu.europa.ec.eudi.pid.1',
      nameSpaces: { 'eu.europa.ec.eudi.pid.1': { family_name: 'Mustermann', nationality: ['DE'] } },
      deviceKey: pki.device.publicJwk,
      signer: pki.ds.signer,
      certificateChain: [pki.ds.certificate],
      validity: { signed: pki.ctx.now(), validFrom: pki.ctx.now(), validUntil: new Date(Date.now() + 86_400_000) },
      ctx: pki.ctx,
    });
    const response = await presentMdoc({
      documents: [
        { issuerSigned: issued, disclose: [[NS, 'age_over_18']], deviceSigner: deviceSigner(pki) },
        { issuerSigned: pid, disclose: [['eu.europa.ec.eudi.pid.1', 'nationality']], deviceSigner: deviceSigner(pki) },
      ],
      sessionTranscript: transcript,
      ctx: pki.ctx,
    });
    const results = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(results.map((r) => [r.docType, r.valid])).toEqual([
      [MDL, true],
      ['eu.europa.ec.eudi.pid.1', true],
    ]);
    expect(results[1]?.claims).toEqual({ 'eu.europa.ec.eudi.pid.1': { nationality: ['DE'] } });
  });
});

describe('inspectMdoc', () => {
  it('shows IssuerSigned and DeviceResponse as JSON without salts', async () => {
    const view = inspectMdoc(issued) as { kind: string; nameSpaces: Record<string, Array<Record<string, unknown>>>; mso: { docType: string } };
    expect(view.kind).toBe('IssuerSigned');
    expect(view.mso.docType).toBe(MDL);
    const item = view.nameSpaces[NS]?.find((i) => i.elementIdentifier === 'birth_date');
    expect(item).toMatchObject({ elementValue: '1984-01-26', randomLength: 32 });
    expect(Object.keys(item ?? {})).not.toContain('random');
    const response = await presentMdoc({ issuerSigned: issued, disclose, deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });
    const dr = JSON.parse(JSON.stringify(inspectMdoc(response)));
    expect(dr.kind).toBe('DeviceResponse');
    expect(dr.documents[0].deviceSigned.deviceAuth).toEqual(['deviceSignature']);
  });
});
