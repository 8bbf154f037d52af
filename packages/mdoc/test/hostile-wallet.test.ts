/**
 * Adversarial review from a hostile wallet's side: each test names the rule it enforces and
 * failed before its fix, unless it says it pins behaviour that was already right.
 */
import type { ComityContext, SignatureAlgorithm } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { coseToBeSigned } from '../src/cose.js';
import { buildSessionTranscript, createTestIaca, presentMdoc, verifyDeviceResponse, verifyIssuerSigned } from '../src/index.js';
import { type CborMap, decodeCbor, encodeCbor, RawCbor, Tag, toDataItem, wrapTag24 } from '../src/internal/cbor.js';
import { jwkToCoseKey } from '../src/internal/cose-key.js';
import { deviceSigner, issueTestMdl, MDL, makePki, NS, type Pki } from './fixtures.js';

let pki: Pki;
let transcript: Uint8Array;
beforeAll(async () => {
  pki = await makePki();
  transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'hostile' }, pki.ctx);
});

const DAY = 86_400_000;
const tdate = (ms: number) => new Tag(`${new Date(ms).toISOString().slice(0, 19)}Z`, 0);

/** An IssuerSigned with one item, really signed by the test DS, whose MSO validityInfo is given. */
async function withValidity(signed: number, validFrom: number, validUntil: number): Promise<Uint8Array> {
  const item = toDataItem(
    new Map<string, unknown>([
      ['digestID', 7],
      ['random', new Uint8Array(16).fill(1)],
      ['elementIdentifier', 'family_name'],
      ['elementValue', 'Doe'],
    ]),
  );
  const mso = new Map<string, unknown>([
    ['version', '1.0'],
    ['digestAlgorithm', 'SHA-256'],
    ['valueDigests', new Map([[NS, new Map([[7, await pki.ctx.crypto.digest('sha-256', item.raw)]])]])],
    ['deviceKeyInfo', new Map([['deviceKey', jwkToCoseKey(pki.device.publicJwk)]])],
    ['docType', MDL],
    [
      'validityInfo',
      new Map([
        ['signed', tdate(signed)],
        ['validFrom', tdate(validFrom)],
        ['validUntil', tdate(validUntil)],
      ]),
    ],
  ]);
  const payload = wrapTag24(encodeCbor(mso));
  const protectedBytes = Uint8Array.of(0xa1, 0x01, 0x26);
  const signature = await pki.ds.signer.sign(coseToBeSigned('Signature1', protectedBytes, payload));
  return encodeCbor(
    new Map<string, unknown>([
      ['nameSpaces', new Map([[NS, [item]]])],
      ['issuerAuth', new RawCbor(encodeCbor([protectedBytes, new Map([[33, pki.ds.certificate.der]]), payload, signature]))],
    ]),
  );
}

/** A DeviceResponse with two documents of one mDL: family_name in the first, given_name in the second. */
async function twoMdlResponse(): Promise<Uint8Array> {
  const issued = await issueTestMdl(pki);
  return presentMdoc({
    documents: [
      { issuerSigned: issued, disclose: [[NS, 'family_name']], deviceSigner: deviceSigner(pki) },
      { issuerSigned: issued, disclose: [[NS, 'given_name']], deviceSigner: deviceSigner(pki) },
    ],
    sessionTranscript: transcript,
    ctx: pki.ctx,
  });
}

describe('MSO validityInfo must be a window', () => {
  it('18013-5-9.1.2.4-validity-window: validFrom after validUntil is refused, even when the clock tolerance spans the gap', async () => {
    const now = Date.now();
    const bytes = await withValidity(now - 120_000, now + 60_000, now - 60_000);
    const r = await verifyIssuerSigned(bytes, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx, clockToleranceSeconds: 300 });
    expect(r.errors.map((e) => e.code)).toEqual(['ERR_MDOC_VALIDITY_INVALID']);
    expect(r.valid).toBe(false);
    expect(r.claims).toEqual({});
  });

  it('18013-5-9.1.2.4-validity-window: validFrom equal to validUntil (an empty window) is refused', async () => {
    const now = Date.now();
    const bytes = await withValidity(now - 60_000, now, now);
    const r = await verifyIssuerSigned(bytes, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx, clockToleranceSeconds: 300 });
    expect(r.errors.map((e) => e.code)).toEqual(['ERR_MDOC_VALIDITY_INVALID']);
  });

  it('18013-5-9.1.2.4-validity-window: an MSO signed after its own validUntil is refused', async () => {
    const now = Date.now();
    const bytes = await withValidity(now + 2 * DAY, now - 60_000, now + DAY);
    const r = await verifyIssuerSigned(bytes, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx });
    expect(r.errors.map((e) => e.code)).toEqual(['ERR_MDOC_VALIDITY_INVALID']);
    expect(r.claims).toEqual({});
  });

  it('a well-ordered window still verifies (pins the baseline of the crafted MSO)', async () => {
    const now = Date.now();
    const r = await verifyIssuerSigned(await withValidity(now - 60_000, now - 60_000, now + DAY), { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx });
    expect(r.errors).toEqual([]);
    expect(r.claims).toEqual({ [NS]: { family_name: 'Doe' } });
  });
});

/** A context whose crypto runs `onCall` once, at the first call of `method`: the caller acting mid-verification. */
function contextMutatingOn(method: 'verify' | 'digest', onCall: () => void): ComityContext {
  const inner = pki.ctx.crypto;
  let done = false;
  const crypto = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === method && typeof value === 'function') {
        return (...args: unknown[]) => {
          if (!done) {
            done = true;
            onCall();
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...pki.ctx, crypto };
}

describe('verify options are read once, when the call starts', () => {
  it('verify-options-snapshot: a trust anchor added to the caller array during verifyIssuerSigned does not anchor that call', async () => {
    const issued = await issueTestMdl(pki);
    const other = await createTestIaca({ ctx: pki.ctx, country: 'DE' });
    const trustAnchors = [other.certificate];
    const ctx = contextMutatingOn('verify', () => trustAnchors.push(pki.iaca.certificate));
    const r = await verifyIssuerSigned(issued, { trustAnchors, ctx });
    expect(r.valid).toBe(false);
    expect(r.claims).toEqual({});
    // And the same array, now holding the IACA, does anchor a later call.
    const later = await verifyIssuerSigned(issued, { trustAnchors, ctx: pki.ctx });
    expect(later.errors).toEqual([]);
  });

  it('verify-options-snapshot: an algorithm added to allowedAlgorithms during verifyDeviceResponse is not accepted in that call', async () => {
    const response = await twoMdlResponse();
    const allowedAlgorithms: SignatureAlgorithm[] = ['ES384'];
    const ctx = contextMutatingOn('digest', () => allowedAlgorithms.push('ES256'));
    const results = await verifyDeviceResponse(response, { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx, allowedAlgorithms });
    for (const r of results) {
      expect(r.valid).toBe(false);
      expect(r.claims).toEqual({});
      expect(r.errors.map((e) => e.code)).toContain('ERR_MDOC_COSE_ALG_NOT_ALLOWED');
    }
  });

  it('verify-options-snapshot: a document-signer EKU added during verifyIssuerSigned is not accepted in that call', async () => {
    const issued = await issueTestMdl(pki);
    const documentSignerEkus = ['1.2.3.4'];
    const ctx = contextMutatingOn('verify', () => documentSignerEkus.push('1.0.18013.5.1.2'));
    const r = await verifyIssuerSigned(issued, { trustAnchors: [pki.iaca.certificate], ctx, documentSignerEkus });
    expect(r.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DS_PROFILE_EKU']);
  });
});

describe('documents of one response are judged apart (pins behaviour that was already right)', () => {
  it('18013-5-8.3.2.1.2.2-documents: two documents of one docType, one tampered: only the intact one has claims, none are merged', async () => {
    const response = await twoMdlResponse();
    // Swap the second document's item for a copy whose value the issuer never signed.
    const top = decodeCbor(response) as CborMap;
    const doc = (top.get('documents') as CborMap[])[1] as CborMap;
    const nameSpaces = (doc.get('issuerSigned') as CborMap).get('nameSpaces') as CborMap;
    const [item] = nameSpaces.get(NS) as { content: Uint8Array }[];
    const forged = decodeCbor((item as { content: Uint8Array }).content) as CborMap;
    forged.set('elementValue', 'Mallory');
    nameSpaces.set(NS, [toDataItem(forged)]);
    const [first, second] = await verifyDeviceResponse(encodeCbor(top), { trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
    expect(first?.errors).toEqual([]);
    expect(first?.claims).toEqual({ [NS]: { family_name: 'Mustermann' } });
    expect(second?.valid).toBe(false);
    expect(second?.errors.map((e) => e.code)).toContain('ERR_MDOC_DIGEST_MISMATCH');
    expect(second?.claims).toEqual({});
    expect(second?.deviceClaims).toEqual({});
  });
});
