import { localSigner } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { buildSessionTranscript, presentMdoc, verifyDeviceResponse, x5chainCertificatesOf } from '../src/index.js';
import { deviceSigner, issueTestMdl, makePki, NS } from './fixtures.js';

describe('anchoring: deferred (a trust registry anchors the chain)', () => {
  it('checks signature, profile and validity, anchors nothing, and hands the presented chain on', async () => {
    const pki = await makePki();
    const issuerSigned = await issueTestMdl(pki);
    const sessionTranscript = await buildSessionTranscript(
      { type: 'openid4vp', clientId: 'x509_san_dns:rp.example', nonce: 'n', responseUri: 'https://rp.example/cb' },
      pki.ctx,
    );
    const response = await presentMdoc({ issuerSigned, disclose: [[NS, 'age_over_18']], deviceSigner: deviceSigner(pki), sessionTranscript, ctx: pki.ctx });
    const [doc] = await verifyDeviceResponse(response, { trustAnchors: [], anchoring: 'deferred', sessionTranscript, ctx: pki.ctx });
    expect(doc?.errors).toEqual([]);
    expect(doc?.issuer?.anchor).toBeUndefined();
    const chain = doc?.issuer === undefined ? undefined : x5chainCertificatesOf(doc.issuer);
    expect(chain?.map((c) => c.sha256)).toEqual([pki.ds.certificate.sha256]);
    // Without deferral, no anchors means no trust.
    const [strict] = await verifyDeviceResponse(response, { trustAnchors: [], sessionTranscript, ctx: pki.ctx });
    expect(strict?.errors.map((e) => e.code)).toEqual(['ERR_X509_CHAIN_UNANCHORED']);
  });
  it('still refuses a document signer outside its validity and a forged issuer signature', async () => {
    const pki = await makePki();
    const issuerSigned = await issueTestMdl(pki);
    const sessionTranscript = await buildSessionTranscript(
      { type: 'openid4vp', clientId: 'x509_san_dns:rp.example', nonce: 'n', responseUri: 'https://rp.example/cb' },
      pki.ctx,
    );
    const response = await presentMdoc({ issuerSigned, disclose: [[NS, 'age_over_18']], deviceSigner: deviceSigner(pki), sessionTranscript, ctx: pki.ctx });
    const later = { ...pki.ctx, now: () => new Date(pki.ds.certificate.notAfter.getTime() + 86_400_000) };
    const [expired] = await verifyDeviceResponse(response, { trustAnchors: [], anchoring: 'deferred', sessionTranscript, ctx: later });
    expect(expired?.errors.map((e) => e.code)).toContain('ERR_X509_EXPIRED');
    const other = await makePki();
    const forged = await issueTestMdl({ ...pki, ds: { ...pki.ds, signer: localSigner(other.ds.privateJwk, 'ES256', pki.ctx.crypto) } });
    const forgedResponse = await presentMdoc({
      issuerSigned: forged,
      disclose: [[NS, 'age_over_18']],
      deviceSigner: deviceSigner(pki),
      sessionTranscript,
      ctx: pki.ctx,
    });
    const [bad] = await verifyDeviceResponse(forgedResponse, { trustAnchors: [], anchoring: 'deferred', sessionTranscript, ctx: pki.ctx });
    expect(bad?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_ISSUER_SIGNATURE_INVALID']);
  });
});
