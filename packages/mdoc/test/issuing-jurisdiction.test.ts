/**
 * ISO/IEC 18013-5 §9.3.1: a retrieved mDL `issuing_jurisdiction` must match the document
 * signer's `stateOrProvinceName`, only when the DS has one. Real mdocs from the test PKI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSessionTranscript, createTestDocumentSigner, createTestIaca, presentMdoc, verifyDeviceResponse, verifyIssuerSigned } from '../src/index.js';
import { deviceSigner, issueTestMdl, makePki, NS, type Pki } from './fixtures.js';

const PID = 'eu.europa.ec.eudi.pid.1';

/** `pki` has a DS with ST=DE-BY; `plain` is the usual DS without ST. */
let withState: Pki;
let plain: Pki;
beforeAll(async () => {
  plain = await makePki();
  const iaca = await createTestIaca({ ctx: plain.ctx, country: 'DE' });
  const ds = await createTestDocumentSigner({ ctx: plain.ctx, iaca, stateOrProvinceName: 'DE-BY' });
  withState = { ...plain, iaca, ds };
});

async function codes(pki: Pki, elements: Record<string, Record<string, unknown>>): Promise<string[]> {
  const issued = await issueTestMdl(pki, { nameSpaces: elements });
  const result = await verifyIssuerSigned(issued, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx });
  return result.errors.map((e) => e.code);
}

describe('18013-5-9.3.1-issuing-jurisdiction', () => {
  it('the test PKI puts the ST into the document signer subject', () => {
    expect(withState.ds.certificate.subjectAttributes.ST).toEqual(['DE-BY']);
    expect(plain.ds.certificate.subjectAttributes.ST).toBeUndefined();
  });

  it('match: issuing_jurisdiction equal to the DS ST verifies', async () => {
    expect(await codes(withState, { [NS]: { family_name: 'X', issuing_country: 'DE', issuing_jurisdiction: 'DE-BY' } })).toEqual([]);
  });

  it('mismatch: a different subdivision is refused (ERR_MDOC_ISSUING_JURISDICTION_MISMATCH), on its path', async () => {
    const issued = await issueTestMdl(withState, { nameSpaces: { [NS]: { family_name: 'X', issuing_jurisdiction: 'DE-BE' } } });
    const result = await verifyIssuerSigned(issued, { trustAnchors: [withState.iaca.certificate], ctx: withState.ctx });
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => [e.code, e.path])).toEqual([['ERR_MDOC_ISSUING_JURISDICTION_MISMATCH', [NS, 'issuing_jurisdiction']]]);
    expect(result.claims).toEqual({});
  });

  it('mismatch: a non-text issuing_jurisdiction never matches', async () => {
    expect(await codes(withState, { [NS]: { issuing_jurisdiction: 9 } })).toEqual(['ERR_MDOC_ISSUING_JURISDICTION_MISMATCH']);
  });

  it('mismatch together with a country mismatch: both rules are reported', async () => {
    expect(await codes(withState, { [NS]: { issuing_country: 'FR', issuing_jurisdiction: 'FR-75C' } })).toEqual([
      'ERR_MDOC_COUNTRY_MISMATCH',
      'ERR_MDOC_ISSUING_JURISDICTION_MISMATCH',
    ]);
  });

  it('mismatch in a DeviceResponse: the presented document is refused', async () => {
    const issued = await issueTestMdl(withState, { nameSpaces: { [NS]: { family_name: 'X', issuing_jurisdiction: 'DE-BE' } } });
    const transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'st' }, withState.ctx);
    const response = await presentMdoc({
      issuerSigned: issued,
      disclose: [
        [NS, 'family_name'],
        [NS, 'issuing_jurisdiction'],
      ],
      deviceSigner: deviceSigner(withState),
      sessionTranscript: transcript,
      ctx: withState.ctx,
    });
    const [doc] = await verifyDeviceResponse(response, { trustAnchors: [withState.iaca.certificate], sessionTranscript: transcript, ctx: withState.ctx });
    expect(doc?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_ISSUING_JURISDICTION_MISMATCH']);
  });

  // The three below guard against over-rejection: the rule does not apply, so they pass before and after.
  it('DS without ST: any issuing_jurisdiction is accepted (the rule applies only when ST is present)', async () => {
    expect(await codes(plain, { [NS]: { family_name: 'X', issuing_jurisdiction: 'DE-BE' } })).toEqual([]);
  });

  it('element absent (or withheld): nothing to compare', async () => {
    expect(await codes(withState, { [NS]: { family_name: 'X', issuing_country: 'DE' } })).toEqual([]);
  });

  it('outside the mDL namespace: a PID issuing_jurisdiction is not compared with ST', async () => {
    expect(await codes(withState, { [PID]: { family_name: 'X', issuing_jurisdiction: 'DE-BE' } })).toEqual([]);
  });
});
