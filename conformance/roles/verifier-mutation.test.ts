/**
 * Hostile input at the verifier role: random edits of a valid presentation (a character
 * replaced, inserted or deleted, the text truncated; a byte of an mdoc replaced) must never
 * crash the verifier, never surface as ERR_INTERNAL, never be accepted when the SD-JWT text
 * changed, and a refused result must not carry the credential's values anywhere.
 */
import { createContext, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { createTestDocumentSigner, createTestIaca } from '@comity/mdoc';
import { createVerifier, type Verifier } from '@comity/verifier';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { issuerPki } from './helpers.js';

const ctx = createContext();
const SECRET_NAME = 'Quixotically'; // a disclosed value that must not appear in a refused result
const binding = { nonce: 'n-mutation', audience: 'https://rp.example.fr' };
const handover = { type: 'openid4vp' as const, clientId: 'x509_san_dns:rp.example', nonce: 'n-mutation', responseUri: 'https://rp.example/response' };

let sdJwt: string;
let sdJwtVerifier: Verifier;
let mdocHex: string;
let mdocVerifier: Verifier;

beforeAll(async () => {
  const { root, leaf, leafKeys } = await issuerPki();
  const walletKeys = await ctx.crypto.generateKeyPair('ES256');
  const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });

  const sdIssuer = createIssuer({ signer: localSigner(leafKeys.privateJwk, 'ES256', ctx.crypto), certificateChain: [leaf], ctx });
  const { credential } = await sdIssuer.issue({
    format: 'dc+sd-jwt',
    vct: 'urn:eudi:pid:1',
    claims: { given_name: SECRET_NAME, family_name: 'Mustermann', age_over_18: true, address: { locality: 'Berlin' } },
    holderKey: walletKeys.publicJwk,
  });
  const stored = await wallet.receive(credential);
  const wanted = [['given_name'], ['address', 'locality']];
  sdJwt = await wallet.present(stored.id, { verifier: binding.audience, nonce: binding.nonce, claims: wanted }, wanted);
  sdJwtVerifier = createVerifier({ trustAnchors: [root], ctx });

  const iaca = await createTestIaca({ ctx, country: 'DE' });
  const ds = await createTestDocumentSigner({ ctx, iaca });
  const mdocIssuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx });
  const mdl = await mdocIssuer.issue({
    format: 'mso_mdoc',
    docType: 'org.iso.18013.5.1.mDL',
    nameSpaces: { 'org.iso.18013.5.1': { given_name: SECRET_NAME, age_over_18: true } },
    holderKey: walletKeys.publicJwk,
  });
  const storedMdl = await wallet.receive(mdl.credential);
  const claims = [['org.iso.18013.5.1', 'given_name']];
  const vp = await wallet.present(storedMdl.id, { verifier: handover.clientId, nonce: handover.nonce, handover, claims }, claims);
  mdocHex = typeof vp === 'string' ? Buffer.from(vp, 'base64url').toString('hex') : Buffer.from(vp).toString('hex');
  mdocVerifier = createVerifier({ trustAnchors: [iaca.certificate], ctx });
});

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~.';
const edit = fc.record({
  kind: fc.constantFrom('replace', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  char: fc.constantFrom(...ALPHABET.split('')),
});
const apply = (text: string, e: { kind: string; at: number; char: string }): string => {
  const i = e.at % text.length;
  if (e.kind === 'replace') return text.slice(0, i) + e.char + text.slice(i + 1);
  if (e.kind === 'insert') return text.slice(0, i) + e.char + text.slice(i);
  if (e.kind === 'delete') return text.slice(0, i) + text.slice(i + 1);
  return text.slice(0, i);
};

describe('random edits of a presentation at the verifier role', () => {
  it('the unedited presentations verify (the baseline the edits start from)', async () => {
    const sd = await sdJwtVerifier.verify(sdJwt, binding);
    expect(sd.errors).toEqual([]);
    expect(sd.claims.given_name).toBe(SECRET_NAME);
    const md = await mdocVerifier.verify(mdocHex, { handover });
    expect(md.errors).toEqual([]);
    expect(JSON.stringify(md.claims)).toContain(SECRET_NAME);
  });

  it('an edited SD-JWT VC is refused with a stable code and releases nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const mutated = edits.reduce(apply, sdJwt);
        fc.pre(mutated.trim() !== sdJwt);
        const result = await sdJwtVerifier.verify(mutated, binding);
        expect(result.valid).toBe(false);
        expect(result.errors.length).toBeGreaterThan(0);
        expect(result.errors.map((e) => e.code)).not.toContain('ERR_INTERNAL');
        expect(JSON.stringify(result)).not.toContain(SECRET_NAME);
      }),
      { numRuns: 300 },
    );
  });

  it('an mdoc DeviceResponse with a byte replaced never crashes and, when refused, releases nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 255 }), async (at, byte) => {
        const i = (at % (mdocHex.length / 2)) * 2;
        const mutated = mdocHex.slice(0, i) + byte.toString(16).padStart(2, '0') + mdocHex.slice(i + 2);
        const result = await mdocVerifier.verify(mutated, { handover });
        expect(result.errors.map((e) => e.code)).not.toContain('ERR_INTERNAL');
        if (!result.valid) expect(JSON.stringify(result)).not.toContain(SECRET_NAME);
      }),
      { numRuns: 300 },
    );
  });
});
