/**
 * Second-eyes review of the verifier role: expectations that could not be honoured are usage
 * errors, a presentation that is not text or bytes is refused in `errors` (never a raw
 * TypeError), and an SD-JWT is not accepted without its binding inputs when the verifier
 * asked only for an mdoc.
 */
import { base64Encode, createContext, type Jwk, localSigner } from '@comity/core';
import { TrustRegistry, x509AnchorSource } from '@comity/trust-registry';
import { createVerifier } from '@comity/verifier';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf, issuePidSdJwt, issuerPki, PID_DS_EKU, presentBothClaims, presentedPidMdoc } from './helpers.js';

const ctx = createContext();
const codes = (r: { errors: readonly { code: string }[] }) => r.errors.map((e) => e.code);
const binding = { nonce: 'n-review', audience: 'https://rp.example.fr' };
const handover = { type: 'openid4vp' as const, clientId: 'x509_san_dns:rp.example.fr', nonce: 'n-mdoc', responseUri: 'https://rp.example.fr/response' };

let issuerKeys: { privateJwk: Jwk; publicJwk: Jwk };
let holderKeys: { privateJwk: Jwk; publicJwk: Jwk };
beforeAll(async () => {
  issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  holderKeys = await ctx.crypto.generateKeyPair('ES256');
});

/** A PID SD-JWT VC presented with a KB-JWT bound to `binding` (given_name disclosed). */
async function presentPid(signer = localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), header: Record<string, unknown> = {}): Promise<string> {
  return presentBothClaims(await issuePidSdJwt(signer, holderKeys, header), holderKeys, binding);
}

describe('expectations that could not be honoured', () => {
  it("vctValues with format 'sd-jwt' is ERR_USAGE_EXPECTATIONS, not a PID accepted for a type the verifier does not accept", async () => {
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx });
    const vp = await presentPid();
    expect(await codeOf(() => verifier.verify(vp, { ...binding, format: 'sd-jwt', vctValues: ['urn:eudi:other:1'] }))).toBe('usage:ERR_USAGE_EXPECTATIONS');
    // The same vctValues with the VC rules refuses the type.
    const vc = await verifier.verify(vp, { ...binding, format: 'dc+sd-jwt', vctValues: ['urn:eudi:other:1'] });
    expect(vc.valid).toBe(false);
    expect(codes(vc)).toContain('ERR_SDJWT_VC_VCT_NOT_ACCEPTED');
  });

  it('an inherited format typo is ERR_USAGE_EXPECTATIONS, not a silent switch to the plain SD-JWT rules', async () => {
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx });
    const vp = await presentPid();
    const inherited = Object.assign(Object.create({ format: 'dc-sd-jwt' }) as object, binding);
    expect(await codeOf(() => verifier.verify(vp, inherited))).toBe('usage:ERR_USAGE_EXPECTATIONS');
    // Inherited members are checked and honoured alike: an inherited vctValues is applied.
    const withVct = Object.assign(Object.create({ vctValues: ['urn:eudi:other:1'] }) as object, binding);
    const refused = await verifier.verify(vp, withVct);
    expect(refused.valid).toBe(false);
    expect(codes(refused)).toContain('ERR_SDJWT_VC_VCT_NOT_ACCEPTED');
  });

  it('options that are not an object are ERR_USAGE_VERIFIER_OPTION at createVerifier, not a raw TypeError', async () => {
    expect(await codeOf(() => createVerifier(null as never))).toBe('usage:ERR_USAGE_VERIFIER_OPTION');
  });
});

describe('a presentation that is neither text nor bytes', () => {
  it.each([
    ['an array (a DCQL vp_token entry)', ['eyJ~']],
    ['an object', { cred: ['eyJ~'] }],
    ['null', null],
    ['a number', 42],
  ])('%s is refused with ERR_FORMAT_UNKNOWN in errors, whatever the format expected', async (_, presentation) => {
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx });
    for (const format of ['auto', 'dc+sd-jwt', 'sd-jwt', 'mso_mdoc'] as const) {
      let result: Awaited<ReturnType<typeof verifier.verify>> | undefined;
      expect(await codeOf(async () => (result = await verifier.verify(presentation as never, { ...binding, format })))).toBe('NO_ERROR');
      expect(result?.valid).toBe(false);
      expect(codes(result ?? { errors: [] })).toEqual(['ERR_FORMAT_UNKNOWN']);
      expect(result?.claims).toEqual({});
    }
  });
});

describe('an SD-JWT sent to a verifier that asked only for an mdoc', () => {
  it('is refused: its KB-JWT nonce and audience would otherwise go unchecked (a replay)', async () => {
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx });
    const replayed = await presentPid(); // bound to another request's nonce
    const result = await verifier.verify(replayed, { handover, docType: 'org.iso.18013.5.1.mDL' });
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['ERR_FORMAT_UNKNOWN']);
    expect(result.claims).toEqual({});
    // A verifier that accepts either format names both sets of inputs: the SD-JWT is then checked on its own.
    const either = await verifier.verify(replayed, { handover, ...binding });
    expect(codes(either)).toEqual([]);
    expect(either.claims.given_name).toBe('ERIKA');
  });

  it('behind a trust registry, the refusal carries the no-decision trust block and nothing released', async () => {
    const { root, leaf, leafKeys } = await issuerPki();
    const registry = new TrustRegistry({ verifier: { jurisdiction: 'DE' } });
    registry.addSource(await x509AnchorSource([root], { id: 'de-pid', category: 'pid', jurisdiction: 'DE', loa: 'high' }));
    const { base64Encode } = await import('@comity/core');
    const vp = await presentPid(localSigner(leafKeys.privateJwk, 'ES256', ctx.crypto), { x5c: [base64Encode(leaf.der)] });
    const result = await createVerifier({ trustRegistry: registry, ctx }).verify(vp, { sessionTranscript: new Uint8Array([0x83, 0xf6, 0xf6, 0xf6]) });
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['ERR_FORMAT_UNKNOWN']);
    expect(result.trust?.outcome).toBe('rejected');
    expect(result.trust?.mappedClaims).toEqual({});
    expect(JSON.stringify(result)).not.toContain('ERIKA');
  });
});

describe('with a trust registry, every result carries a decision', () => {
  it('a presentation refused before it could be read carries the no-decision trust block, as one that did not verify does', async () => {
    const { root } = await issuerPki();
    const registry = new TrustRegistry({ verifier: { jurisdiction: 'DE' } });
    registry.addSource(await x509AnchorSource([root], { id: 'de-pid', category: 'pid', jurisdiction: 'DE', loa: 'high' }));
    const verifier = createVerifier({ trustRegistry: registry, ctx });
    for (const [presentation, format] of [
      ['not a presentation', 'auto'],
      ['~~~ not an mdoc ~~~', 'mso_mdoc'],
      [42, 'auto'],
    ] as const) {
      const result = await verifier.verify(presentation as never, { format, handover });
      expect(codes(result)).toEqual(['ERR_FORMAT_UNKNOWN']);
      expect(result.trust?.outcome).toBe('rejected');
      expect(result.trust?.checks.map((c) => [c.code, c.result])).toEqual([['TRUST_CREDENTIAL_VERIFIED', 'fail']]);
    }
  });
});

describe('a refused result does not carry the holder key', () => {
  // The same public key travels in every presentation of a credential: a relying party that
  // logs refusals must not be handed a handle that links them to one citizen.
  it('an SD-JWT VC refused by the trust registry has no keyBinding; an accepted one has', async () => {
    const { root, leaf, leafKeys } = await issuerPki();
    const vp = await presentPid(localSigner(leafKeys.privateJwk, 'ES256', ctx.crypto), { x5c: [base64Encode(leaf.der)] });
    const other = await issuerPki();
    const registry = new TrustRegistry({ verifier: { jurisdiction: 'DE' } });
    registry.addSource(await x509AnchorSource([other.root], { id: 'de-pid', category: 'pid', jurisdiction: 'DE', loa: 'high' }));
    const refused = await createVerifier({ trustRegistry: registry, ctx }).verify(vp, binding);
    expect(refused.valid).toBe(false);
    expect(codes(refused)).toContain('ERR_TRUST_REJECTED');
    expect(refused.keyBinding).toBeUndefined();
    expect(JSON.stringify(refused)).not.toContain(holderKeys.publicJwk.x as string);
    const accepted = await createVerifier({ trustAnchors: [root], ctx }).verify(vp, binding);
    expect(codes(accepted)).toEqual([]);
    expect(accepted.keyBinding?.jwk.x).toBe(holderKeys.publicJwk.x);
  });

  it('an mdoc refused for its document signer has no deviceKey, at the top or per document; an accepted one has', async () => {
    const { iaca, vp } = await presentedPidMdoc(holderKeys, handover);
    const refused = await createVerifier({ trustAnchors: [iaca], ctx }).verify(vp, { handover });
    expect(codes(refused)).toContain('ERR_MDOC_DS_PROFILE_EKU');
    expect(refused.deviceKey).toBeUndefined();
    expect(refused.documents?.every((d) => d.deviceKey === undefined)).toBe(true);
    expect(JSON.stringify(refused)).not.toContain(holderKeys.publicJwk.x as string);
    const accepted = await createVerifier({ trustAnchors: [iaca], documentSignerEkus: [PID_DS_EKU], ctx }).verify(vp, { handover });
    expect(codes(accepted)).toEqual([]);
    expect(accepted.deviceKey?.x).toBe(holderKeys.publicJwk.x);
  });
});
