import {
  createContext,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCompactJws,
  type Jwk,
  jwkThumbprint,
  localSigner,
  signCompactJws,
  verifyJwsSignature,
} from '@comity/core';
import { describe, expect, it } from 'vitest';
import { issueSdJwtVc } from '../src/issue.js';
import { pinnedIssuerKeys } from '../src/issuer-key/index.js';
import { verifySdJwtVc } from '../src/verify.js';
import { rejectionCode } from './fixtures/issuer-key/harness.js';

const ctx = createContext();

describe('pinnedIssuerKeys', async () => {
  const a = await ctx.crypto.generateKeyPair('ES256');
  const b = await ctx.crypto.generateKeyPair('EdDSA');
  const keys: Jwk[] = [
    { ...a.publicJwk, kid: 'key-a' },
    { ...b.publicJwk, kid: 'key-b' },
  ];
  const resolve = pinnedIssuerKeys(keys);

  it('returns only the key whose kid the header names, and it verifies a real signature', async () => {
    const token = await signCompactJws(
      { typ: 'dc+sd-jwt', kid: 'key-a' },
      { iss: 'https://issuer.example', vct: 'urn:x' },
      localSigner(a.privateJwk, 'ES256', ctx.crypto),
    );
    const jws = decodeCompactJws(token);
    const candidates = await resolve({ header: jws.header, payload: jws.payload }, ctx);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]?.issuer).toMatchObject({ keyMethod: 'jwk', id: 'https://issuer.example' });
    await expect(verifyJwsSignature(jws, candidates[0]?.jwk as Jwk, { algorithms: DEFAULT_SIGNATURE_ALGORITHMS, crypto: ctx.crypto })).resolves.toBe('ES256');
  });

  it('matches a kid that is the RFC 7638 thumbprint of a pinned key', async () => {
    const thumbprint = await jwkThumbprint(b.publicJwk, ctx.crypto);
    const candidates = await resolve({ header: { alg: 'EdDSA', kid: thumbprint }, payload: {} }, ctx);
    expect(candidates.map((c) => c.jwk.x)).toEqual([b.publicJwk.x]);
  });

  it('returns every pinned key when the header has no kid or an unknown one', async () => {
    expect(await resolve({ header: { alg: 'ES256' }, payload: {} }, ctx)).toHaveLength(2);
    expect(await resolve({ header: { alg: 'ES256', kid: 'unknown' }, payload: {} }, ctx)).toHaveLength(2);
  });

  it('never hands out private key members, even when configured with a private JWK', async () => {
    const candidates = await pinnedIssuerKeys([a.privateJwk])({ header: { alg: 'ES256' }, payload: {} }, ctx);
    expect(candidates[0]?.jwk.d).toBeUndefined();
  });

  it('refuses an empty or unusable key list as a usage error', async () => {
    expect(await rejectionCode(() => pinnedIssuerKeys([]))).toBe('ERR_USAGE_PINNED_KEYS');
    expect(await rejectionCode(() => pinnedIssuerKeys([{ kty: 'oct', k: 'AAAA' }]))).toBe('ERR_USAGE_PINNED_KEYS');
  });
});

describe('pinnedIssuerKeys bound to an issuer', async () => {
  const keys = await ctx.crypto.generateKeyPair('ES256');
  const signer = localSigner(keys.privateJwk, 'ES256', ctx.crypto);
  const credential = (issuer: string | undefined) =>
    issueSdJwtVc({ vct: 'urn:eudi:pid:de:1', ...(issuer === undefined ? {} : { issuer }), claims: { given_name: 'Erika' }, signer }, ctx);
  const verify = async (issuer: string | undefined, options?: { issuer?: string }) =>
    verifySdJwtVc(await credential(issuer), { issuerKey: pinnedIssuerKeys([keys.publicJwk], options), keyBinding: { required: false } }, ctx);

  it('sd-jwt-vc-pinned-iss: a credential naming another issuer than the one the keys are pinned for is ERR_SDJWT_ISS_MISMATCH', async () => {
    const other = await verify('https://evil.example', { issuer: 'https://pid.bund.example' });
    expect(other.valid).toBe(false);
    expect(other.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_ISS_MISMATCH']);
    const same = await verify('https://pid.bund.example', { issuer: 'https://pid.bund.example' });
    expect(same.errors).toEqual([]);
    expect(same.issuer?.id).toBe('https://pid.bund.example');
    // iss is optional in an SD-JWT VC: the pinned issuer names it.
    expect((await verify(undefined, { issuer: 'https://pid.bund.example' })).issuer?.id).toBe('https://pid.bund.example');
    // Unbound keys report the credential's own (unverified) iss, as before.
    expect((await verify('https://evil.example')).issuer?.id).toBe('https://evil.example');
    expect(await rejectionCode(() => pinnedIssuerKeys([keys.publicJwk], { issuer: '' }))).toBe('ERR_USAGE_PINNED_KEYS');
  });
});
