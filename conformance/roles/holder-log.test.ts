/**
 * The consent screen and the log say everything a presentation sends: besides what was requested,
 * the claims that go without any disclosure (`alwaysSent`). Real issuance, real signatures.
 */
import { type ClaimPath, createContext, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { issueSdJwtVc } from '@comity/sd-jwt-vc';
import { createVerifier } from '@comity/verifier';
import { describe, expect, it } from 'vitest';
import { mdocWallet } from './helpers.js';

const ctx = createContext();
const verifierId = 'x509_san_dns:rp.example';
const status = { status_list: { idx: 7, uri: 'https://pid.example.de/status/1' } };

/** A wallet holding one SD-JWT VC issued by the issuer role (with `iss` and a status reference). */
async function sdJwtWallet(claims: Record<string, unknown>, disclosable?: readonly ClaimPath[]) {
  const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  const walletKeys = await ctx.crypto.generateKeyPair('ES256');
  const issuer = createIssuer({ signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), issuerId: 'https://pid.example.de', kid: 'k1', ctx });
  const { credential } = await issuer.issue({
    format: 'dc+sd-jwt',
    vct: 'urn:eudi:pid:1',
    claims,
    ...(disclosable === undefined ? {} : { disclosable }),
    holderKey: walletKeys.publicJwk,
    status,
  });
  const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
  const stored = await wallet.receive(credential);
  const verify = (vp: string) => createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx }).verify(vp, { nonce: 'n-1', audience: verifierId });
  return { wallet, stored, verify };
}

/** The technical claims the issuer role writes, in payload order. */
const technical: ClaimPath[] = [
  ['iss'],
  ['iat'],
  ['exp'],
  ['vct'],
  ['cnf', 'jwk', 'kty'],
  ['cnf', 'jwk', 'crv'],
  ['cnf', 'jwk', 'x'],
  ['cnf', 'jwk', 'y'],
  ['status', 'status_list', 'idx'],
  ['status', 'status_list', 'uri'],
];

/** Leaf paths of a JSON value, an empty container counting as a leaf (an independent reading of what the verifier got). */
function leafPaths(value: unknown, at: ClaimPath = []): ClaimPath[] {
  const members = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : typeof value === 'object' && value !== null ? Object.entries(value) : [];
  if (members.length === 0) return at.length === 0 ? [] : [at];
  return members.flatMap(([k, v]) => leafPaths(v, [...at, k]));
}

const sorted = (paths: readonly ClaimPath[]) => paths.map((p) => JSON.stringify(p)).sort();

describe('alwaysSent: what every presentation sends without a disclosure', () => {
  it('holder-always-sent-plain-personal: plain personal claims (top-level, nested, array) are shown and logged', async () => {
    const { wallet, stored, verify } = await sdJwtWallet(
      { given_name: 'Erika', nationalities: ['DE', 'FR'], address: { country: 'DE', locality: 'Köln' }, birthdate: '1964-08-12' },
      [['given_name'], ['address', 'locality'], ['birthdate']],
    );
    const expected: ClaimPath[] = [['nationalities', 0], ['nationalities', 1], ['address', 'country'], ...technical];
    const request = { verifier: verifierId, nonce: 'n-1', claims: [['given_name'], ['address', 'locality']] };
    const view = wallet.describeRequest(stored.id, request);
    expect(view.alwaysSent).toEqual(expected);
    const vp = await wallet.present(stored.id, request, []);
    const entry = wallet.log()[0];
    expect(entry?.alwaysSent).toEqual(expected);
    expect(entry?.alwaysSent).toEqual(view.alwaysSent);
    expect(entry).toMatchObject({ disclosed: [], withheld: [['given_name'], ['address', 'locality']] });
    // Nothing was disclosed, so what the verifier read is exactly the list.
    const result = await verify(vp);
    expect(result.valid).toBe(true);
    expect(sorted(leafPaths(result.claims))).toEqual(sorted(expected));
    expect(Object.isFrozen(entry?.alwaysSent) && entry?.alwaysSent.every((p) => Object.isFrozen(p))).toBe(true);
  });

  it('holder-always-sent-all-disclosable: when every personal claim is disclosable only the technical claims are listed', async () => {
    const { wallet, stored, verify } = await sdJwtWallet({ given_name: 'Erika', nationalities: ['DE'], address: { country: 'DE', locality: 'Köln' } });
    const request = { verifier: verifierId, nonce: 'n-1', claims: [['given_name']] };
    const view = wallet.describeRequest(stored.id, request);
    expect(view.alwaysSent).toEqual(technical);
    const vp = await wallet.present(stored.id, request, [['given_name']]);
    expect(wallet.log()[0]).toMatchObject({ disclosed: [['given_name']], withheld: [], alwaysSent: technical });
    expect(wallet.log()[0]?.alwaysSent).toEqual(view.alwaysSent);
    expect(sorted(leafPaths((await verify(vp)).claims))).toEqual(sorted([['given_name'], ...technical]));
  });

  it('holder-always-sent-inside-disclosure: a plain claim inside a disclosable parent is sent only with it, and logged as disclosed', async () => {
    // address is disclosable as a whole; country is plain inside its disclosure.
    const { wallet, stored, verify } = await sdJwtWallet({ address: { country: 'DE', street: 'Heidestraße 17' } }, [['address']]);
    const request = { verifier: verifierId, nonce: 'n-1', claims: [['address', 'street']] };
    expect(wallet.describeRequest(stored.id, request).alwaysSent).toEqual(technical);
    const withheld = await verify(await wallet.present(stored.id, request, []));
    expect(withheld.claims.address).toBeUndefined();
    const shared = await verify(await wallet.present(stored.id, request, [['address', 'street']]));
    expect(shared.claims.address).toEqual({ country: 'DE', street: 'Heidestraße 17' });
    expect(wallet.log().map((e) => [e.disclosed, e.withheld, e.alwaysSent])).toEqual([
      [[], [['address', 'street']], technical],
      [
        [
          ['address', 'street'],
          ['address', 'country'],
        ],
        [],
        technical,
      ],
    ]);
  });

  it('holder-always-sent-plain-parent: a plain parent whose members are all disclosable is listed itself (the verifier sees it exists)', async () => {
    const { wallet, stored, verify } = await sdJwtWallet({ address: { country: 'DE', street: 'Heidestraße 17' } }, [
      ['address', 'country'],
      ['address', 'street'],
    ]);
    const request = { verifier: verifierId, nonce: 'n-1', claims: [['address', 'street']] };
    expect(wallet.describeRequest(stored.id, request).alwaysSent).toEqual([['address'], ...technical]);
    expect((await verify(await wallet.present(stored.id, request, []))).claims.address).toEqual({});
    expect(wallet.log()[0]?.alwaysSent).toEqual([['address'], ...technical]);
  });

  it('holder-always-sent-array-index: plain array elements are named by their stored index, decoys and disclosed elements left out', async () => {
    const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    // The signed array holds two decoys, a digest for 'DE' and 'FR' in plain: 'FR' is stored at index 1.
    const credential = await issueSdJwtVc(
      {
        vct: 'urn:eudi:pid:1',
        claims: { nationalities: ['DE', 'FR'] },
        disclosable: [['nationalities', 0]],
        decoys: [{ path: ['nationalities'], count: 2 }],
        holderKey: walletKeys.publicJwk,
        issuedAt: null,
        signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto),
      },
      ctx,
    );
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    const payload = JSON.parse(Buffer.from(credential.split('.')[1] as string, 'base64url').toString());
    expect(payload.nationalities).toHaveLength(4);
    const expected: ClaimPath[] = [['nationalities', 1], ...technical.filter((p) => p[0] === 'vct' || p[0] === 'cnf')];
    const request = { verifier: verifierId, nonce: 'n-1', claims: [['nationalities', 0]] };
    expect(wallet.describeRequest(stored.id, request).alwaysSent).toEqual(expected);
    await wallet.present(stored.id, request, [['nationalities', 0]]);
    expect(wallet.log()[0]).toMatchObject({ disclosed: [['nationalities', 0]], alwaysSent: expected });
  });

  it('holder-always-sent-mdoc: an mdoc sends no element unasked, but always its MSO facts (type, validity, device key, status)', async () => {
    const { wallet, stored, handover } = await mdocWallet({ status });
    const request = { verifier: handover.clientId, nonce: handover.nonce, handover, claims: [['org.iso.18013.5.1', 'age_over_18']] };
    const expected: ClaimPath[] = [
      ['docType'],
      ['validityInfo', 'signed'],
      ['validityInfo', 'validFrom'],
      ['validityInfo', 'validUntil'],
      ['deviceKeyInfo', 'deviceKey'],
      ['status', 'status_list', 'idx'],
      ['status', 'status_list', 'uri'],
    ];
    const view = wallet.describeRequest(stored.id, request);
    expect(view.alwaysSent).toEqual(expected);
    await wallet.present(stored.id, request, []);
    expect(wallet.log()[0]).toMatchObject({ disclosed: [], withheld: [['org.iso.18013.5.1', 'age_over_18']], alwaysSent: expected });
    expect(wallet.log()[0]?.alwaysSent).toEqual(view.alwaysSent);
  });
});
