/**
 * The wallet's receive() given hostile input: a ComityError with a stable code, never another
 * exception, and nothing stored. Credentials arrive from an issuer over the network; the
 * wallet must not trust their form.
 */
import { ComityError, createContext, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from './helpers.js';

const ctx = createContext();
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
// CBOR written out byte by byte: a text key is 0x60 + length (< 24) and its ASCII.
const key = (name: string) => [0x60 + name.length, ...Buffer.from(name)];
const cbor = (...bytes: number[]) => new Uint8Array(bytes);

const JUNK: ReadonlyArray<[string, unknown]> = [
  ['empty string', ''],
  ['whitespace', '  \n '],
  ['one tilde', '~'],
  ['only tildes', '~~~'],
  ['jwt without disclosures part', 'a.b.c'],
  ['dots and tildes', '..~..~'],
  ['open brace', '{'],
  ['empty JSON object', '{}'],
  ['JSON serialization without signature', '{"payload":"e30","disclosures":[]}'],
  ['JSON array', '["a"]'],
  ['not base64url mdoc', 'A+B/'],
  ['base64url of nothing CBOR', b64(new Uint8Array([0xff]))],
  ['mdoc: a CBOR integer', b64(cbor(0x01))],
  ['mdoc: an empty map', b64(cbor(0xa0))],
  ['mdoc: issuerAuth of the wrong shape', b64(cbor(0xa2, ...key('issuerAuth'), 0x83, 1, 2, 3, ...key('nameSpaces'), 0x05))],
  ['mdoc: issuerAuth a COSE_Sign1 with a non-CBOR payload', b64(cbor(0xa1, ...key('issuerAuth'), 0x84, 0x40, 0xa0, 0x41, 0xff, 0x40))],
  ['mdoc: deep nesting', b64(new Uint8Array([...new Array(10_000).fill(0x81), 0x00]))],
  ['number', 42],
  ['null', null],
  ['undefined', undefined],
  ['object', { credential: 'x' }],
  ['boxed string', Object('a~')],
];

async function outcome(receive: () => Promise<unknown>): Promise<string> {
  try {
    await receive();
    return 'accepted';
  } catch (e) {
    if (e instanceof ComityError && /^ERR_[A-Z0-9_]+$/.test(e.code)) return e.code;
    return `other: ${e instanceof Error ? e.name : typeof e}`;
  }
}

describe('wallet.receive with hostile input', () => {
  const walletKey = ctx.crypto.generateKeyPair('ES256');

  it.each(JUNK)('%s: a ComityError, nothing stored', async (name, input) => {
    const wallet = createWallet({ keyBindingSigner: localSigner((await walletKey).privateJwk, 'ES256', ctx.crypto), ctx });
    const code = await outcome(() => wallet.receive(input as string));
    // Not a string at all: the wallet's own code; otherwise the code of the format it was taken for.
    // A JWT without '~' is neither format: the wallet's own code too.
    const family = typeof input === 'string' && !/^[^~]*\.[^~]*$/.test(input.trim()) ? /^ERR_(SDJWT|ENCODING|MDOC)_/ : /^ERR_HOLDER_CREDENTIAL_MALFORMED$/;
    expect(code, name).toMatch(family);
    expect(wallet.credentials()).toEqual([]);
  });

  it('random text over the characters credentials are made of: never another exception', async () => {
    const wallet = createWallet({ keyBindingSigner: localSigner((await walletKey).privateJwk, 'ES256', ctx.crypto), ctx });
    const unit = fc.constantFrom('A', 'e', 'y', 'J', '9', '-', '_', '.', '~', '{', '}', '"', ':', ',', '[', ']', ' ', 'é');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 60 }), async (text) => {
        expect(await outcome(() => wallet.receive(text))).toMatch(/^ERR_(SDJWT|ENCODING|MDOC)_|^ERR_HOLDER_CREDENTIAL_MALFORMED$/);
      }),
      { numRuns: 300 },
    );
    expect(wallet.credentials()).toEqual([]);
  });
});

describe('a verifier request of the wrong shape', () => {
  it('describeRequest and present refuse it with ERR_HOLDER_REQUEST_INVALID before anything is shown or signed', async () => {
    const keys = await ctx.crypto.generateKeyPair('ES256');
    const signer = localSigner(keys.privateJwk, 'ES256', ctx.crypto);
    const { credential } = await createIssuer({ signer, issuerId: 'https://pid.example', kid: 'k1', ctx }).issue({
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      claims: { given_name: 'Erika' },
      holderKey: keys.publicJwk,
    });
    const wallet = createWallet({ keyBindingSigner: signer, ctx });
    const { id } = await wallet.receive(credential);
    const good = { verifier: 'https://rp.example', nonce: 'n-1', claims: [['given_name']] };
    const bad: unknown[] = [
      null,
      'https://rp.example',
      { ...good, verifier: '' },
      { ...good, verifier: 7 },
      { ...good, purpose: { en: 'x' } },
      { ...good, claims: 'given_name' },
      { ...good, claims: [null] },
      { ...good, claims: [[]] },
      { ...good, claims: [[{}]] },
      { ...good, claims: [[-1]] },
      { ...good, claims: Array.from({ length: 257 }, () => ['given_name']) },
    ];
    for (const request of bad) {
      expect(await codeOf(() => wallet.describeRequest(id, request as never)), JSON.stringify(request)).toBe('ERR_HOLDER_REQUEST_INVALID');
      expect(await codeOf(() => wallet.present(id, request as never, [['given_name']])), JSON.stringify(request)).toBe('ERR_HOLDER_REQUEST_INVALID');
    }
    // A nonce is needed to present, not to describe.
    const { nonce: _, ...noNonce } = good;
    expect(await codeOf(() => wallet.describeRequest(id, noNonce))).toBe('NO_ERROR');
    expect(await codeOf(() => wallet.present(id, noNonce as never, [['given_name']]))).toBe('ERR_HOLDER_REQUEST_INVALID');
    // The consent comes from the app: a wrong one is a usage error.
    for (const consent of [null, [['given_name'], 5], 'given_name']) {
      expect(await codeOf(() => wallet.present(id, good, consent as never))).toBe('usage:ERR_USAGE_CONSENT');
    }
    expect(wallet.log()).toEqual([]);
    expect(await codeOf(() => wallet.present(id, good, [['given_name']]))).toBe('NO_ERROR');
  });

  it('the issuer role refuses a request that is not an object, or an SD-JWT VC request without a claims object, as usage errors', async () => {
    const keys = await ctx.crypto.generateKeyPair('ES256');
    const issuer = createIssuer({ signer: localSigner(keys.privateJwk, 'ES256', ctx.crypto), kid: 'k1', ctx });
    for (const request of [
      null,
      'dc+sd-jwt',
      { format: 'dc+sd-jwt', vct: 'urn:x', claims: null, holderKey: keys.publicJwk },
      { format: 'dc+sd-jwt', vct: 'urn:x', claims: [1], holderKey: keys.publicJwk },
    ]) {
      expect(await codeOf(() => issuer.issue(request as never))).toBe('usage:ERR_USAGE_CREDENTIAL_REQUEST');
    }
  });
});
