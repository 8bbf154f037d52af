import { createContext, type Jwk, localSigner } from '@comity/core';
import { decodeSdJwt, type IssuerKeyResolver, issueSdJwtVc, presentSdJwt, verifySdJwtVc } from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';

const ctx = createContext();
const pinned =
  (jwk: Jwk): IssuerKeyResolver =>
  async () => [{ jwk, issuer: { keyMethod: 'jwk', jwk } }];

/** Presents address.locality and every nationality to https://rp.example with nonce n-1. */
const presentLocalityAndNationalities = (credential: string, holderPrivateJwk: Jwk) =>
  presentSdJwt(
    credential,
    {
      disclose: [
        ['address', 'locality'],
        ['nationalities', null],
      ],
      keyBinding: { signer: localSigner(holderPrivateJwk, 'ES256', ctx.crypto), audience: 'https://rp.example', nonce: 'n-1' },
    },
    ctx,
  );

describe('issue -> present -> verify', () => {
  it('discloses only what was asked, with parents, and verifies with key binding', async () => {
    const issuer = await ctx.crypto.generateKeyPair('ES256');
    const holder = await ctx.crypto.generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const credential = await issueSdJwtVc(
      {
        vct: 'urn:eudi:pid:1',
        issuer: 'https://pid.example.de',
        holderKey: holder.publicJwk,
        expiresAt: now + 3600,
        claims: { given_name: 'Erika', family_name: 'Mustermann', address: { locality: 'Berlin', street: 'Heidestraße 17' }, nationalities: ['DE', 'FR'] },
        disclosable: [['given_name'], ['family_name'], ['address'], ['address', 'locality'], ['address', 'street'], ['nationalities', null]],
        decoys: 2,
        signer: localSigner(issuer.privateJwk, 'ES256', ctx.crypto),
      },
      ctx,
    );
    const decoded = await decodeSdJwt(credential, ctx);
    expect(decoded.disclosures).toHaveLength(7);
    const vp = await presentLocalityAndNationalities(credential, holder.privateJwk);
    const result = await verifySdJwtVc(vp, { issuerKey: pinned(issuer.publicJwk), keyBinding: { nonce: 'n-1', audience: 'https://rp.example' } }, ctx);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.claims.address).toEqual({ locality: 'Berlin' });
    expect(result.claims.nationalities).toEqual(['DE', 'FR']);
    expect(result.claims.given_name).toBeUndefined();
    const wrongNonce = await verifySdJwtVc(vp, { issuerKey: pinned(issuer.publicJwk), keyBinding: { nonce: 'n-2', audience: 'https://rp.example' } }, ctx);
    expect(wrongNonce.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_KB_NONCE_MISMATCH']);
    expect(wrongNonce.claims).toEqual({});
  });

  it('gives the same result on a provider without a synchronous digest (the WebCrypto path)', async () => {
    const asyncOnly = createContext({ crypto: { ...ctx.crypto, digestBase64urlSync: undefined } });
    const issuer = await ctx.crypto.generateKeyPair('ES256');
    const holder = await ctx.crypto.generateKeyPair('ES256');
    const credential = await issueSdJwtVc(
      {
        vct: 'urn:eudi:pid:1',
        holderKey: holder.publicJwk,
        claims: { given_name: 'Erika', address: { locality: 'Köln' }, nationalities: ['DE'] },
        disclosable: [['given_name'], ['address'], ['address', 'locality'], ['nationalities', null]],
        signer: localSigner(issuer.privateJwk, 'ES256', ctx.crypto),
      },
      ctx,
    );
    const vp = await presentLocalityAndNationalities(credential, holder.privateJwk);
    const policy = { issuerKey: pinned(issuer.publicJwk), keyBinding: { nonce: 'n-1', audience: 'https://rp.example' } };
    const fast = await verifySdJwtVc(vp, policy, ctx);
    const slow = await verifySdJwtVc(vp, policy, asyncOnly);
    expect(fast.valid).toBe(true);
    expect(slow).toEqual(fast);
    // A disclosure that is not base64url (here not even ASCII) is malformed on both paths.
    const [jwt, first, ...rest] = vp.split('~');
    const bad = [jwt, `${first}é`, ...rest].join('~');
    for (const c of [ctx, asyncOnly]) expect((await verifySdJwtVc(bad, policy, c)).errors.map((e) => e.code)).toEqual(['ERR_SDJWT_DISCLOSURE_MALFORMED']);
    // Issuance hashes on the asynchronous path too: nested disclosures (digests inside a
    // disclosed value) and decoys come out the same and verify.
    const asyncIssued = await issueSdJwtVc(
      {
        vct: 'urn:eudi:pid:1',
        holderKey: holder.publicJwk,
        claims: { given_name: 'Erika', address: { locality: 'Köln' }, nationalities: ['DE'] },
        disclosable: [['given_name'], ['address'], ['address', 'locality'], ['nationalities', null]],
        decoys: [{ path: ['address'], count: 2 }],
        signer: localSigner(issuer.privateJwk, 'ES256', ctx.crypto),
      },
      asyncOnly,
    );
    const asyncVp = await presentLocalityAndNationalities(asyncIssued, holder.privateJwk);
    const fromAsync = await verifySdJwtVc(asyncVp, policy, ctx);
    expect(fromAsync.errors).toEqual([]);
    expect(fromAsync.claims.address).toEqual({ locality: 'Köln' });
    expect(fromAsync.claims.nationalities).toEqual(['DE']);
  });

  it('does not reuse a cached holder key for a cnf key that shares its x coordinate (the point (x, -y))', async () => {
    const issuer = await ctx.crypto.generateKeyPair('ES256');
    const holder = await ctx.crypto.generateKeyPair('ES256');
    const p256 = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
    const y = BigInt(`0x${Buffer.from(holder.publicJwk.y as string, 'base64url').toString('hex')}`);
    const negatedY = Buffer.from((p256 - y).toString(16).padStart(64, '0'), 'hex').toString('base64url');
    const mirror = { ...holder.publicJwk, y: negatedY };
    const signer = localSigner(issuer.privateJwk, 'ES256', ctx.crypto);
    const holderSigner = localSigner(holder.privateJwk, 'ES256', ctx.crypto);
    const policy = { issuerKey: pinned(issuer.publicJwk), keyBinding: { nonce: 'n-1', audience: 'https://rp.example' } };
    const presentFor = async (holderKey: Jwk) => {
      const credential = await issueSdJwtVc({ vct: 'urn:eudi:pid:1', holderKey, claims: { given_name: 'Erika' }, disclosable: [['given_name']], signer }, ctx);
      return presentSdJwt(credential, { disclose: [['given_name']], keyBinding: { signer: holderSigner, audience: 'https://rp.example', nonce: 'n-1' } }, ctx);
    };
    expect((await verifySdJwtVc(await presentFor(holder.publicJwk), policy, ctx)).valid).toBe(true);
    // The holder's key signed the KB-JWT, but the credential binds the mirrored point: refused.
    const mirrored = await verifySdJwtVc(await presentFor(mirror), policy, ctx);
    expect(mirrored.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_KB_SIGNATURE_INVALID']);
    expect((await verifySdJwtVc(await presentFor(holder.publicJwk), policy, ctx)).valid).toBe(true);
  });
});

describe('salts (RFC 9901 §4.2.1: at least 128 bits from a CSPRNG)', () => {
  it('every disclosure of 40 issuances has its own salt of at least 16 bytes, including past one pooled draw', async () => {
    const issuer = await ctx.crypto.generateKeyPair('ES256');
    const claims = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`c${i}`, i]));
    const salts: string[] = [];
    for (let n = 0; n < 40; n++) {
      const credential = await issueSdJwtVc(
        { vct: 'urn:x', claims, disclosable: Object.keys(claims).map((k) => [k]), signer: localSigner(issuer.privateJwk, 'ES256', ctx.crypto) },
        ctx,
      );
      for (const d of (await decodeSdJwt(credential, ctx)).disclosures) salts.push(JSON.parse(Buffer.from(d.disclosure, 'base64url').toString())[0]);
    }
    expect(salts).toHaveLength(1600);
    expect(new Set(salts).size).toBe(1600);
    for (const salt of salts) expect(Buffer.from(salt, 'base64url').length).toBeGreaterThanOrEqual(16);
    // No random bits shared between salts: no 8-character run (48 bits) appears in two of them
    // (chance for independent salts about 1e-6).
    const owner = new Map<string, number>();
    salts.forEach((salt, i) => {
      for (let j = 0; j + 8 <= salt.length; j++) {
        const run = salt.slice(j, j + 8);
        expect(owner.get(run) ?? i, 'a salt shares bits with another').toBe(i);
        owner.set(run, i);
      }
    });
  });
});

describe('aka_vcts at issuance (SD-JWT VC §2.2.2.2)', () => {
  it('is issued only in the shape the verifier accepts: a non-empty list of other type strings', async () => {
    const issuer = await ctx.crypto.generateKeyPair('ES256');
    const issue = (aka_vcts: unknown) =>
      issueSdJwtVc({ vct: 'urn:x:1', claims: { aka_vcts }, signer: localSigner(issuer.privateJwk, 'ES256', ctx.crypto) }, ctx).then(
        () => 'issued',
        (e: { code?: string }) => e.code,
      );
    for (const bad of [[], 'urn:x:0', ['urn:x:1'], [''], [42]]) expect(await issue(bad)).toBe('ERR_USAGE_AKA_VCTS');
    expect(await issue(['urn:x:0'])).toBe('issued');
  });
});
