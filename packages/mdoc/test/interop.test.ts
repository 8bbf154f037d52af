/**
 * Interop both ways with @auth0/mdl 3.0.1 and @animo-id/mdoc 0.5.2: their issued documents are
 * presented and verified by comity, comity-issued documents are verified by them.
 * @auth0/mdl's own OID4VP handover is a pre-1.0 shape, so raw transcript bytes are passed.
 */
import * as animo from '@animo-id/mdoc';
import * as auth0 from '@auth0/mdl';
import { type Certificate, derToPem, type Jwk, parseCertificate, toHex, validateCertificateChain } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSessionTranscript, presentMdoc, sessionTranscriptBytes, verifyDeviceResponse } from '../src/index.js';
import { type CborMap, type CborValue, decodeCbor } from '../src/internal/cbor.js';
import { deviceSigner, issueTestMdl, MDL, makePki, NS, type Pki } from './fixtures.js';

let pki: Pki;
let transcript: Uint8Array;
const disclose = [
  [NS, 'family_name'],
  [NS, 'birth_date'],
];

/** The IssuerSigned bytes of the first document of an MDoc-shaped container, as received. */
function firstIssuerSigned(mdocBytes: Uint8Array): Uint8Array {
  const spans = new WeakMap<object, Uint8Array>();
  const top = decodeCbor(mdocBytes, {}, { notPreferred: false, spans }) as CborMap;
  const doc = (top.get('documents') as CborValue[])[0] as CborMap;
  return spans.get(doc.get('issuerSigned') as CborMap) as Uint8Array;
}

/** Wraps comity IssuerSigned into the MDoc container the peers load. */
function asMdocContainer(issuerSigned: Uint8Array): Uint8Array {
  const docType = new TextEncoder().encode(MDL);
  // {version: "1.0", documents: [{docType, issuerSigned}], status: 0}, issuerSigned embedded as received.
  const parts = [
    Uint8Array.of(0xa3, 0x67, ...new TextEncoder().encode('version'), 0x63, ...new TextEncoder().encode('1.0')),
    Uint8Array.of(0x69, ...new TextEncoder().encode('documents'), 0x81, 0xa2, 0x67, ...new TextEncoder().encode('docType'), 0x75, ...docType),
    Uint8Array.of(0x6c, ...new TextEncoder().encode('issuerSigned')),
    issuerSigned,
    Uint8Array.of(0x66, ...new TextEncoder().encode('status'), 0x00),
  ];
  return Buffer.concat(parts);
}

function animoContext(certs: Certificate[]): animo.MdocContext {
  const byDer = (der: Uint8Array) => {
    const hex = toHex(der);
    const found = certs.find((c) => toHex(c.der) === hex);
    if (found === undefined) throw new Error('unknown certificate');
    return found;
  };
  const crypto = pki.ctx.crypto;
  return {
    crypto: {
      random: (n) => crypto.randomBytes(n),
      digest: ({ digestAlgorithm, bytes }) => crypto.digest(digestAlgorithm.toLowerCase() as 'sha-256', bytes),
      calculateEphemeralMacKeyJwk: () => {
        throw new Error('not used');
      },
    },
    cose: {
      sign1: {
        sign: async ({ sign1, jwk }) => {
          const { data, alg } = sign1.getRawSigningData();
          return crypto.sign(alg as 'ES256', jwk as Jwk, data);
        },
        verify: async ({ sign1, jwk, options }) => {
          const { data, alg, signature } = sign1.getRawVerificationData(options);
          return crypto.verify(alg as 'ES256', jwk as Jwk, data, signature);
        },
      },
      mac0: {
        sign: () => {
          throw new Error('not used');
        },
        verify: () => {
          throw new Error('not used');
        },
      },
    },
    x509: {
      getIssuerNameField: ({ certificate, field }) => [...(byDer(certificate).issuerAttributes[field] ?? [])],
      getPublicKey: async ({ certificate }) => byDer(certificate).publicJwk as never,
      validateCertificateChain: async ({ trustedCertificates, x5chain }) => {
        const anchors = await Promise.all(trustedCertificates.map((d) => parseCertificate(d)));
        const chain = await Promise.all(x5chain.map((d) => parseCertificate(d)));
        await validateCertificateChain(chain, { now: new Date(), anchors });
      },
      getCertificateData: async ({ certificate }) => {
        const c = byDer(certificate);
        return {
          issuerName: c.issuer,
          subjectName: c.subject,
          serialNumber: c.serialNumber,
          thumbprint: c.sha256,
          notBefore: c.notBefore,
          notAfter: c.notAfter,
          pem: derToPem(c.der),
        };
      },
    },
  };
}

beforeAll(async () => {
  pki = await makePki();
  transcript = await buildSessionTranscript(
    { type: 'openid4vp', clientId: 'x509_san_dns:verifier.example', nonce: 'interop-nonce', responseUri: 'https://verifier.example/r' },
    pki.ctx,
  );
});

const validity = () => ({ signed: new Date(Date.now() - 60_000), validFrom: new Date(Date.now() - 60_000), validUntil: new Date(Date.now() + 86_400_000) });

describe('@auth0/mdl 3.0.1', () => {
  it('auth0 issues → comity presents and verifies', async () => {
    const doc = await new auth0.Document(MDL)
      .addIssuerNameSpace(NS, { family_name: 'Jones', given_name: 'Ava', birth_date: '2007-03-25', issuing_country: 'DE' })
      .useDigestAlgorithm('SHA-256')
      .addValidityInfo(validity())
      .addDeviceKeyInfo({ deviceKey: pki.device.publicJwk as never })
      .sign({ issuerPrivateKey: pki.ds.privateJwk as never, issuerCertificate: derToPem(pki.ds.certificate.der), alg: 'ES256' });
    const issuerSigned = firstIssuerSigned(new auth0.MDoc([doc]).encode());
    const response = await presentMdoc({ issuerSigned, disclose, deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });
    const [result] = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(result?.errors).toEqual([]);
    expect(result?.claims[NS]?.family_name).toBe('Jones');
    expect(Object.keys(result?.claims[NS] ?? {}).sort()).toEqual(['birth_date', 'family_name']);
  });

  it('comity issues and presents → auth0 Verifier accepts', async () => {
    const issued = await issueTestMdl(pki, { validity: validity() });
    const response = await presentMdoc({ issuerSigned: issued, disclose, deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });
    const verifier = new auth0.Verifier([derToPem(pki.iaca.certificate.der)]);
    const mdoc = await verifier.verify(response, { encodedSessionTranscript: Buffer.from(sessionTranscriptBytes(transcript)) });
    expect(mdoc.documents[0]?.getIssuerNameSpace(NS)?.family_name).toBe('Mustermann');
    // The peer really checks the device signature: another transcript is refused.
    const other = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://other.example', nonce: 'x' }, pki.ctx);
    await expect(verifier.verify(response, { encodedSessionTranscript: Buffer.from(sessionTranscriptBytes(other)) })).rejects.toThrow();
  });

  it('comity issues → auth0 presents (raw transcript bytes) → comity verifies', async () => {
    const issued = await issueTestMdl(pki, { validity: validity() });
    const response = await auth0.DeviceResponse.from(asMdocContainer(issued))
      .usingPresentationDefinition({
        id: 'mdl',
        input_descriptors: [
          {
            id: MDL,
            format: { mso_mdoc: { alg: ['ES256'] } },
            constraints: { limit_disclosure: 'required', fields: [{ path: [`$['${NS}']['family_name']`], intent_to_retain: false }] },
          },
        ],
      })
      .usingSessionTranscriptBytes(Buffer.from(sessionTranscriptBytes(transcript)))
      .authenticateWithSignature(pki.device.privateJwk as never, 'ES256')
      .sign();
    const [result] = await verifyDeviceResponse(response.encode(), { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(result?.errors).toEqual([]);
    expect(result?.claims).toEqual({ [NS]: { family_name: 'Mustermann' } });
  });
});

describe('@animo-id/mdoc 0.5.2', () => {
  it("ISO 18013-7 Annex B SessionTranscriptBytes match animo's independent implementation", async () => {
    const input = {
      mdocGeneratedNonce: 'mdoc-nonce-1',
      clientId: 'verifier.example',
      responseUri: 'https://verifier.example/r',
      verifierGeneratedNonce: 'v-nonce',
    };
    const theirs = await animo.DeviceResponse.calculateSessionTranscriptBytesForOID4VP({ ...input, context: { crypto: animoContext([]).crypto } });
    const ours = await buildSessionTranscript(
      {
        type: 'iso18013-7-annex-b',
        clientId: input.clientId,
        responseUri: input.responseUri,
        nonce: input.verifierGeneratedNonce,
        mdocGeneratedNonce: input.mdocGeneratedNonce,
      },
      pki.ctx,
    );
    expect(toHex(sessionTranscriptBytes(ours))).toBe(toHex(theirs));
  });

  it('animo issues → comity presents and verifies', async () => {
    const ctx = animoContext([pki.ds.certificate, pki.iaca.certificate]);
    const doc = await new animo.Document(MDL, ctx)
      .addIssuerNameSpace(NS, { family_name: 'Jones', given_name: 'Ava', birth_date: new animo.DateOnly('2007-03-25'), issuing_country: 'DE' })
      .useDigestAlgorithm('SHA-256')
      .addValidityInfo(validity())
      .addDeviceKeyInfo({ deviceKey: pki.device.publicJwk as never })
      .sign({ issuerPrivateKey: pki.ds.privateJwk as never, issuerCertificate: pki.ds.certificate.der, alg: 'ES256' }, ctx);
    const issuerSigned = firstIssuerSigned(new animo.MDoc([doc]).encode());
    const response = await presentMdoc({ issuerSigned, disclose, deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });
    const [result] = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(result?.errors).toEqual([]);
    expect(result?.claims).toEqual({ [NS]: { family_name: 'Jones', birth_date: '2007-03-25' } });
  });

  it('comity issues and presents → animo Verifier accepts', async () => {
    const ctx = animoContext([pki.ds.certificate, pki.iaca.certificate]);
    const issued = await issueTestMdl(pki, { validity: validity() });
    const response = await presentMdoc({ issuerSigned: issued, disclose, deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });
    const mdoc = await new animo.Verifier().verifyDeviceResponse(
      { encodedDeviceResponse: response, encodedSessionTranscript: sessionTranscriptBytes(transcript), trustedCertificates: [pki.iaca.certificate.der] },
      ctx,
    );
    expect(mdoc.documents[0]?.getIssuerNameSpace(NS)?.get('family_name')).toBe('Mustermann');
    const other = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://other.example', nonce: 'x' }, pki.ctx);
    await expect(
      new animo.Verifier().verifyDeviceResponse(
        { encodedDeviceResponse: response, encodedSessionTranscript: sessionTranscriptBytes(other), trustedCertificates: [pki.iaca.certificate.der] },
        ctx,
      ),
    ).rejects.toThrow();
  });

  it('comity issues → animo presents → comity verifies', async () => {
    const ctx = animoContext([pki.ds.certificate, pki.iaca.certificate]);
    const issued = await issueTestMdl(pki, { validity: validity() });
    const response = await animo.DeviceResponse.from(asMdocContainer(issued))
      .usingPresentationDefinition({
        id: 'mdl',
        input_descriptors: [
          {
            id: MDL,
            format: { mso_mdoc: { alg: ['ES256'] } },
            constraints: { limit_disclosure: 'required', fields: [{ path: [`$['${NS}']['given_name']`], intent_to_retain: false }] },
          },
        ],
      })
      .usingSessionTranscriptBytes(sessionTranscriptBytes(transcript))
      .authenticateWithSignature(pki.device.privateJwk as never, 'ES256')
      .sign(ctx);
    const [result] = await verifyDeviceResponse(response.encode(), { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(result?.errors).toEqual([]);
    expect(result?.claims).toEqual({ [NS]: { given_name: 'Erika' } });
  });
});
