/**
 * `issuing_country` against the document signer's `C`, scoped by namespace: the mDL namespace
 * (ISO/IEC 18013-5 §9.3.1) and the EU PID namespace (PID Rulebook: the PID Provider's Member
 * State) always, further namespaces only when the verifier names them. A same-named element in
 * another namespace is that namespace's own data. Real mdocs from the test PKI (DS C=DE).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSessionTranscript, presentMdoc, type VerifyIssuerSignedOptions, verifyDeviceResponse, verifyIssuerSigned } from '../src/index.js';
import { deviceSigner, issueTestMdl, makePki, NS, outcomeOf, type Pki } from './fixtures.js';

const PID = 'eu.europa.ec.eudi.pid.1';
/** A namespace whose `issuing_country` means something else (say, the country that issued a visa held on it). */
const TRAVEL = 'org.example.travel.1';

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
});

async function verified(nameSpaces: Record<string, Record<string, unknown>>, extra: Partial<VerifyIssuerSignedOptions> = {}, docType?: string) {
  const issued = await issueTestMdl(pki, { nameSpaces, ...(docType === undefined ? {} : { docType }) });
  return verifyIssuerSigned(issued, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx, ...extra });
}

const codesAndPaths = (result: { readonly errors: readonly { code: string; path?: unknown }[] }) => result.errors.map((e) => [e.code, e.path]);

describe('18013-5-9.3.1-issuing-country: scoped to the namespaces where it names the issuing State', () => {
  it('mDL namespace: a different country is refused on its path', async () => {
    const result = await verified({ [NS]: { family_name: 'X', issuing_country: 'FR' } });
    expect(codesAndPaths(result)).toEqual([['ERR_MDOC_COUNTRY_MISMATCH', [NS, 'issuing_country']]]);
    expect(result.claims).toEqual({});
  });

  it('PID namespace: a different Member State is refused on its path', async () => {
    const result = await verified({ [PID]: { family_name: 'X', issuing_country: 'FR' } }, {}, PID);
    expect(codesAndPaths(result)).toEqual([['ERR_MDOC_COUNTRY_MISMATCH', [PID, 'issuing_country']]]);
  });

  it('PID namespace: the document signer country verifies; a non-text value never matches', async () => {
    expect((await verified({ [PID]: { family_name: 'X', issuing_country: 'DE' } }, {}, PID)).errors).toEqual([]);
    expect(codesAndPaths(await verified({ [PID]: { issuing_country: 49 } }, {}, PID))).toEqual([['ERR_MDOC_COUNTRY_MISMATCH', [PID, 'issuing_country']]]);
  });

  it('another namespace: a same-named element of another meaning is not compared, and is released', async () => {
    const result = await verified({ [NS]: { family_name: 'X', issuing_country: 'DE' }, [TRAVEL]: { issuing_country: 'FR' } });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.claims[TRAVEL]).toEqual({ issuing_country: 'FR' });
  });

  it('another namespace named in issuingCountryNameSpaces is compared; the built-in ones still are', async () => {
    const nameSpaces = { [NS]: { issuing_country: 'FR' }, [TRAVEL]: { issuing_country: 'FR' } };
    expect(codesAndPaths(await verified(nameSpaces, { issuingCountryNameSpaces: [TRAVEL] }))).toEqual([
      ['ERR_MDOC_COUNTRY_MISMATCH', [NS, 'issuing_country']],
      ['ERR_MDOC_COUNTRY_MISMATCH', [TRAVEL, 'issuing_country']],
    ]);
    // An empty list adds nothing and removes nothing.
    expect(codesAndPaths(await verified(nameSpaces, { issuingCountryNameSpaces: [] }))).toEqual([['ERR_MDOC_COUNTRY_MISMATCH', [NS, 'issuing_country']]]);
    expect((await verified({ [TRAVEL]: { issuing_country: 'DE' } }, { issuingCountryNameSpaces: [TRAVEL] })).errors).toEqual([]);
  });

  it('in a DeviceResponse: the other namespace verifies, and is refused once the verifier names it', async () => {
    const issued = await issueTestMdl(pki, { nameSpaces: { [NS]: { family_name: 'X' }, [TRAVEL]: { issuing_country: 'FR' } } });
    const transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'ic' }, pki.ctx);
    const response = await presentMdoc({
      issuerSigned: issued,
      disclose: [
        [NS, 'family_name'],
        [TRAVEL, 'issuing_country'],
      ],
      deviceSigner: deviceSigner(pki),
      sessionTranscript: transcript,
      ctx: pki.ctx,
    });
    const base = { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx };
    const [plain] = await verifyDeviceResponse(response, base);
    expect(plain?.errors).toEqual([]);
    expect(plain?.claims[TRAVEL]).toEqual({ issuing_country: 'FR' });
    const [named] = await verifyDeviceResponse(response, { ...base, issuingCountryNameSpaces: [TRAVEL] });
    expect(named?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_COUNTRY_MISMATCH']);
  });

  it.each([
    ['a string', 'org.example.travel.1'],
    ['null', null],
    ['a list with an empty name', ['']],
    ['a list with a number', [7]],
    ['a list with an over-long name', ['x'.repeat(300)]],
  ])('issuingCountryNameSpaces that is %s is ERR_USAGE_MDOC_VERIFY_OPTION, from both verifiers', async (_, value) => {
    const issued = await issueTestMdl(pki);
    const options = { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx, issuingCountryNameSpaces: value as never };
    expect(await outcomeOf(verifyIssuerSigned(issued, options))).toEqual({ code: 'ERR_USAGE_MDOC_VERIFY_OPTION', usage: true });
    const transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'ic' }, pki.ctx);
    expect(await outcomeOf(verifyDeviceResponse(Uint8Array.of(0xa0), { ...options, sessionTranscript: transcript }))).toEqual({
      code: 'ERR_USAGE_MDOC_VERIFY_OPTION',
      usage: true,
    });
  });
});
