/**
 * Adversarial review of the verifier role, as a careless relying party: the policy given to
 * `createVerifier` is fixed when the verifier is created (editing the options object, or a
 * list in it, afterwards changes nothing), the expectations given to `verify` are fixed when
 * it is called (verification is asynchronous), and a refused mdoc carries no per-credential
 * handle (its MSO status list index) that would link refusals to one citizen.
 */
import { base64Encode, createContext, type Jwk, localSigner, type SignatureAlgorithm } from '@comity/core';
import { createTestIaca } from '@comity/mdoc';
import { createKeyBindingJwt, toJsonSerialization } from '@comity/sd-jwt-vc';
import { TrustRegistry, x509AnchorSource } from '@comity/trust-registry';
import { createVerifier, detectFormat, type StatusPolicy, type VerifierOptions } from '@comity/verifier';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf, issuePidSdJwt, issuerPki, mdocWallet, PID_DS_EKU, presentBothClaims, presentedPidMdoc, selfSignedCertificate } from './helpers.js';

const ctx = createContext();
const codes = (r: { errors: readonly { code: string }[] }) => r.errors.map((e) => e.code);
const binding = { nonce: 'n-adversarial', audience: 'https://rp.example.fr' };
const MDL = 'org.iso.18013.5.1';

let issuerKeys: { privateJwk: Jwk; publicJwk: Jwk };
let holderKeys: { privateJwk: Jwk; publicJwk: Jwk };
beforeAll(async () => {
  issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  holderKeys = await ctx.crypto.generateKeyPair('ES256');
});

/** A PID SD-JWT VC (no status reference), signed by the issuer key with `header`, presented with a KB-JWT bound to `binding`. */
async function presentPid(header: Record<string, unknown> = {}): Promise<string> {
  return presentBothClaims(await issuePidSdJwt(localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), holderKeys, header), holderKeys, binding);
}

/** A test mDL (with `status` when given) presented for the OpenID4VP handover of `mdocWallet`. */
async function presentedMdl(status?: { status_list: { idx: number; uri: string } }) {
  const { wallet, stored, iaca, handover } = await mdocWallet(status === undefined ? {} : { status });
  const claims = [[MDL, 'age_over_18']];
  const vp = await wallet.present(stored.id, { verifier: handover.clientId, nonce: handover.nonce, handover, claims }, claims);
  return { iaca, handover, vp };
}

describe('the policy is fixed when the verifier is created', () => {
  it('an IACA pushed to the trustAnchors list after createVerifier does not anchor an mdoc', async () => {
    const { iaca, handover, vp } = await presentedMdl();
    const anchors = [(await createTestIaca({ ctx, country: 'GR' })).certificate];
    const verifier = createVerifier({ trustAnchors: anchors, ctx });
    expect(codes(await verifier.verify(vp, { handover }))).toContain('ERR_X509_CHAIN_UNANCHORED');
    anchors.push(iaca);
    const after = await verifier.verify(vp, { handover });
    expect(after.valid).toBe(false);
    expect(codes(after)).toContain('ERR_X509_CHAIN_UNANCHORED');
    expect(after.claims).toEqual({});
    // The same IACA given at creation is accepted: the refusal is the captured policy, not the credential.
    expect(codes(await createVerifier({ trustAnchors: [iaca], ctx }).verify(vp, { handover }))).toEqual([]);
  });

  it('an algorithm pushed to the algorithms list after createVerifier is not accepted', async () => {
    const algorithms: SignatureAlgorithm[] = ['ES384'];
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], algorithms, ctx });
    const vp = await presentPid();
    expect(codes(await verifier.verify(vp, binding))).toEqual(['ERR_SDJWT_ALG_NOT_ALLOWED']);
    algorithms.push('ES256');
    const after = await verifier.verify(vp, binding);
    expect(codes(after)).toEqual(['ERR_SDJWT_ALG_NOT_ALLOWED']);
    expect(after.claims).toEqual({});
  });

  it('a document-signer EKU pushed to documentSignerEkus after createVerifier does not admit an mdoc PID', async () => {
    const handover = { type: 'openid4vp' as const, clientId: 'x509_san_dns:rp.example.fr', nonce: 'n-pid', responseUri: 'https://rp.example.fr/response' };
    const { iaca, vp } = await presentedPidMdoc(holderKeys, handover);
    const ekus = ['1.0.18013.5.1.2'];
    const verifier = createVerifier({ trustAnchors: [iaca], documentSignerEkus: ekus, ctx });
    expect(codes(await verifier.verify(vp, { handover }))).toContain('ERR_MDOC_DS_PROFILE_EKU');
    ekus.push(PID_DS_EKU);
    const after = await verifier.verify(vp, { handover });
    expect(after.valid).toBe(false);
    expect(codes(after)).toContain('ERR_MDOC_DS_PROFILE_EKU');
  });

  it('removing trustRegistry from the options after createVerifier does not accept an issuer chain no registry anchored', async () => {
    const selfSigned = await selfSignedCertificate(issuerKeys, 'C=DE, CN=pid.example.de (self-signed)');
    const vp = await presentPid({ x5c: [base64Encode(selfSigned.der)] });
    const { root } = await issuerPki();
    const registry = new TrustRegistry({ verifier: { jurisdiction: 'DE' } });
    registry.addSource(await x509AnchorSource([root], { id: 'de-pid', category: 'pid', jurisdiction: 'DE', loa: 'high' }));
    const options: { -readonly [K in keyof VerifierOptions]: VerifierOptions[K] } = { trustRegistry: registry, ctx };
    const verifier = createVerifier(options);
    expect(codes(await verifier.verify(vp, binding))).toContain('ERR_TRUST_REJECTED');
    delete options.trustRegistry;
    const after = await verifier.verify(vp, binding);
    expect(after.valid).toBe(false);
    expect(codes(after)).toContain('ERR_TRUST_REJECTED');
    expect(JSON.stringify(after)).not.toContain('ERIKA');
  });

  it('relaxing status.mode, or removing status, after createVerifier does not accept a credential without a status reference', async () => {
    const status: { -readonly [K in keyof StatusPolicy]: StatusPolicy[K] } = { keys: [issuerKeys.publicJwk], mode: 'required' };
    const options: { -readonly [K in keyof VerifierOptions]: VerifierOptions[K] } = { issuerKeys: [issuerKeys.publicJwk], status, ctx };
    const verifier = createVerifier(options);
    const vp = await presentPid();
    expect(codes(await verifier.verify(vp, binding))).toEqual(['ERR_CREDENTIAL_STATUS_MISSING']);
    status.mode = 'if-present';
    expect(codes(await verifier.verify(vp, binding))).toEqual(['ERR_CREDENTIAL_STATUS_MISSING']);
    delete options.status;
    const after = await verifier.verify(vp, binding);
    expect(codes(after)).toEqual(['ERR_CREDENTIAL_STATUS_MISSING']);
    expect(after.claims).toEqual({});
  });
});

describe('the expectations are fixed when verify is called', () => {
  it('a vct value pushed to vctValues while verify runs does not reach the vct check', async () => {
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx });
    const vp = await presentPid();
    const vctValues = ['urn:eudi:other:1'];
    const pending = verifier.verify(vp, { ...binding, vctValues });
    vctValues.push('urn:eudi:pid:1');
    const result = await pending;
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['ERR_SDJWT_VC_VCT_NOT_ACCEPTED']);
    expect(result.claims).toEqual({});
  });
});

describe('a refused mdoc carries no per-credential handle', () => {
  it('a refused mdoc has no MSO status reference, at the top or per document; an accepted one has', async () => {
    const reference = { status_list: { idx: 4242, uri: 'https://status.example.gr/mdl/1' } };
    const { iaca, handover, vp } = await presentedMdl(reference);
    const verifier = createVerifier({ trustAnchors: [iaca], ctx });
    const refused = await verifier.verify(vp, { handover: { ...handover, nonce: 'n-other' } });
    expect(codes(refused)).toContain('ERR_MDOC_DEVICE_SIGNATURE_INVALID');
    expect(refused.status).toBeUndefined();
    expect(refused.documents?.every((d) => d.status === undefined)).toBe(true);
    expect(JSON.stringify(refused)).not.toContain('4242');
    const accepted = await verifier.verify(vp, { handover });
    expect(codes(accepted)).toEqual([]);
    expect(accepted.status).toEqual(reference);
  });
});

describe('the wallet does not choose the SD-JWT rules', () => {
  // In the General JSON Serialization only the issuer's signature is checked; the holder may put
  // any signature entry in front of it (and sign its KB-JWT over that entry, as sd_hash covers the first).
  it('an SD-JWT VC whose General JSON form leads with an unsigned plain-SD-JWT header is verified under the SD-JWT VC rules', async () => {
    const typeMetadata = async () => [{ code: 'TEST_TYPE_METADATA_REFUSED', message: 'the Type Metadata check refuses this credential' }];
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], typeMetadata, ctx });
    const honest = await verifier.verify(await presentPid(), binding);
    expect(codes(honest)).toEqual(['TEST_TYPE_METADATA_REFUSED']);

    const credential = await issuePidSdJwt(localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), holderKeys);
    const [jwt, ...rest] = credential.split('~');
    const disclosures = rest.filter((d) => d !== '');
    const [protectedHeader, payload, signature] = (jwt as string).split('.') as [string, string, string];
    const decoy = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'example+sd-jwt' })).toString('base64url');
    const decoySignature = Buffer.alloc(64).toString('base64url');
    const kbJwt = await createKeyBindingJwt(
      {
        sdJwtWithoutKb: `${decoy}.${payload}.${decoySignature}~${disclosures.map((d) => `${d}~`).join('')}`,
        hashAlg: 'sha-256',
        signer: localSigner(holderKeys.privateJwk, 'ES256', ctx.crypto),
        ...binding,
      },
      ctx,
    );
    const downgraded = JSON.stringify({
      payload,
      signatures: [
        { protected: decoy, header: { disclosures, kb_jwt: kbJwt }, signature: decoySignature },
        { protected: protectedHeader, signature },
      ],
    });
    const result = await verifier.verify(downgraded, binding);
    expect(result.format).toBe('dc+sd-jwt');
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['TEST_TYPE_METADATA_REFUSED']);
    expect(JSON.stringify(result)).not.toContain('ERIKA');
  });
});

describe('a presentation received as bytes is UTF-8 text or is refused', () => {
  // RFC 8259 §8.1: JSON text is UTF-8. Decoding leniently turned invalid bytes into U+FFFD and
  // verified a presentation other than the one received.
  it('an SD-JWT VC in JSON form with bytes that are not UTF-8 is refused, auto-detected or not', async () => {
    const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx });
    const json = JSON.stringify(toJsonSerialization(await presentPid(), { header: { kid: 'K-PLACEHOLDER' } }));
    const [before, after] = json.split('K-PLACEHOLDER') as [string, string];
    const utf8 = (text: string) => new TextEncoder().encode(text);
    const valid = new Uint8Array([...utf8(before), 0x6b, 0x69, 0x64, ...utf8(after)]);
    expect(codes(await verifier.verify(valid, binding))).toEqual([]);
    const invalid = new Uint8Array([...utf8(before), 0x6b, 0xff, 0x64, ...utf8(after)]);
    expect(await codeOf(() => detectFormat(invalid))).toBe('ERR_ENCODING_UTF8');
    for (const format of ['auto', 'dc+sd-jwt'] as const) {
      const result = await verifier.verify(invalid, { ...binding, format });
      expect(result.valid).toBe(false);
      expect(codes(result)).toEqual(['ERR_ENCODING_UTF8']);
      expect(result.claims).toEqual({});
    }
  });
});
