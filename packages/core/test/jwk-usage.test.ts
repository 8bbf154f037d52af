/**
 * RFC 7517 §4.2-4.4 usage members (`use`, `key_ops`, `alg`) enforced by both crypto providers
 * through checkKeyForAlg, before their imported-key caches; their form checked by parsePublicJwk.
 * Real keys and signatures; tests assert codes.
 */
import { describe, expect, it } from 'vitest';
import { webCrypto } from '../src/crypto/webcrypto.js';
import {
  ComityError,
  type CryptoProvider,
  decodeCompactJws,
  defaultCrypto,
  type Jwk,
  localSigner,
  parsePublicJwk,
  type SignatureAlgorithm,
  signCompactJws,
  utf8Encode,
  verifyJwsSignature,
} from '../src/index.js';
import { codeOf } from './code-of.js';

const PROVIDERS: ReadonlyArray<readonly [string, CryptoProvider]> = [
  ['node:crypto', defaultCrypto],
  ['WebCrypto', webCrypto],
];

/** `true`/`false` or the ComityError code of a promise; anything else fails the test. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    const v = await run();
    return typeof v === 'boolean' ? String(v) : 'NO_ERROR';
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
}

const data = utf8Encode('signed data');

describe.each(PROVIDERS)('%s: JWK usage members on verify (RFC 7517 §4.2-4.4)', (_name, provider) => {
  const pair = defaultCrypto.generateKeyPair('ES256');
  const setup = async () => {
    const { privateJwk, publicJwk } = await pair;
    return { publicJwk, sig: await defaultCrypto.sign('ES256', privateJwk, data) };
  };
  const verify = async (over: Record<string, unknown>, alg: SignatureAlgorithm = 'ES256') => {
    const { publicJwk, sig } = await setup();
    return outcome(() => provider.verify(alg, { ...publicJwk, ...over } as Jwk, data, sig));
  };

  it('verifies with use "sig", key_ops listing "verify", or alg naming the algorithm', async () => {
    expect(await verify({})).toBe('true');
    expect(await verify({ use: 'sig' })).toBe('true');
    expect(await verify({ key_ops: ['verify'] })).toBe('true');
    expect(await verify({ key_ops: ['sign', 'verify'] })).toBe('true');
    expect(await verify({ alg: 'ES256', use: 'sig', key_ops: ['verify'] })).toBe('true');
  });

  it('rfc7517-4.2-use-not-sig: a key whose use is not "sig" does not verify', async () => {
    expect(await verify({ use: 'enc' })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await verify({ use: 'SIG' })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await verify({ use: '' })).toBe('ERR_KEY_ALG_MISMATCH');
  });

  it('rfc7517-4.3-key-ops-without-verify: a key whose key_ops lacks "verify" does not verify', async () => {
    expect(await verify({ key_ops: ['sign'] })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await verify({ key_ops: [] })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await verify({ key_ops: ['deriveBits'] })).toBe('ERR_KEY_ALG_MISMATCH');
  });

  it('rfc7517-4.4-alg-mismatch: a key whose alg names another algorithm is not used for this one', async () => {
    expect(await verify({ alg: 'ES384' })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await verify({ alg: 'es256' })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await verify({ alg: 'none' })).toBe('ERR_KEY_ALG_MISMATCH');
  });

  it('rfc7517-4-malformed-usage-members: use or alg not a string, key_ops not an array of distinct strings', async () => {
    for (const over of [
      { use: 1 },
      { use: null },
      { use: ['sig'] },
      { alg: 7 },
      { alg: null },
      { key_ops: 'verify' },
      { key_ops: null },
      { key_ops: ['verify', 'verify'] },
      { key_ops: ['verify', 1] },
      { key_ops: { 0: 'verify', length: 1 } },
    ]) {
      expect([over, await verify(over)]).toEqual([over, 'ERR_KEY_INVALID']);
    }
  });

  it('the imported-key cache does not carry an acceptance over to the same x/y with other usage members', async () => {
    expect(await verify({ alg: 'ES256' })).toBe('true');
    expect(await verify({ alg: 'ES384' })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await verify({ use: 'sig' })).toBe('true');
    expect(await verify({ use: 'enc' })).toBe('ERR_KEY_ALG_MISMATCH');
    // Frozen keys are cached by identity on node:crypto: each one is still checked.
    const { publicJwk, sig } = await setup();
    const good = Object.freeze({ ...publicJwk, alg: 'ES256' });
    const bad = Object.freeze({ ...publicJwk, alg: 'ES512' });
    expect(await outcome(() => provider.verify('ES256', good, data, sig))).toBe('true');
    expect(await outcome(() => provider.verify('ES256', bad, data, sig))).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await outcome(() => provider.verify('ES256', good, data, sig))).toBe('true');
  });

  it('Ed25519: "EdDSA" and "Ed25519" name the same algorithm on an Ed25519 key; other names are refused', async () => {
    const { privateJwk, publicJwk } = await provider.generateKeyPair('Ed25519');
    const sig = await provider.sign('EdDSA', privateJwk, data);
    for (const alg of ['EdDSA', 'Ed25519'] as const) {
      for (const member of ['EdDSA', 'Ed25519']) expect(await outcome(() => provider.verify(alg, { ...publicJwk, alg: member }, data, sig))).toBe('true');
      expect(await outcome(() => provider.verify(alg, { ...publicJwk, alg: 'ES256' }, data, sig))).toBe('ERR_KEY_ALG_MISMATCH');
    }
  });

  it('RSA: a key marked RS256 is not used for PS256', async () => {
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('PS256');
    const sig = await defaultCrypto.sign('PS256', privateJwk, data);
    expect(await outcome(() => provider.verify('PS256', { ...publicJwk, alg: 'PS256' }, data, sig))).toBe('true');
    expect(await outcome(() => provider.verify('PS256', { ...publicJwk, alg: 'RS256' }, data, sig))).toBe('ERR_KEY_ALG_MISMATCH');
  });
});

describe.each(PROVIDERS)('%s: JWK usage members on sign', (_name, provider) => {
  const pair = defaultCrypto.generateKeyPair('ES256');
  const sign = async (over: Record<string, unknown>) => {
    const { privateJwk } = await pair;
    return outcome(() => provider.sign('ES256', { ...privateJwk, ...over } as Jwk, data));
  };

  it('signs with use "sig", key_ops listing "sign", alg naming the algorithm', async () => {
    expect(await sign({ use: 'sig', key_ops: ['sign'], alg: 'ES256' })).toBe('NO_ERROR');
    const { privateJwk, publicJwk } = await pair;
    const sig = await provider.sign('ES256', { ...privateJwk, use: 'sig', key_ops: ['sign'], alg: 'ES256' }, data);
    expect(await provider.verify('ES256', publicJwk, data, sig)).toBe(true);
  });

  it('rfc7517-4.2-4.4-private-key: refuses use other than "sig", key_ops without "sign", another alg, malformed members', async () => {
    expect(await sign({ use: 'enc' })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await sign({ key_ops: ['verify'] })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await sign({ alg: 'ES384' })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(await sign({ key_ops: ['sign', 'sign'] })).toBe('ERR_KEY_INVALID');
    expect(await sign({ use: 0 })).toBe('ERR_KEY_INVALID');
    const { privateJwk } = await pair;
    const signer = localSigner({ ...privateJwk, alg: 'ES384' }, 'ES256', provider);
    expect(await outcome(() => signCompactJws({}, { a: 1 }, signer))).toBe('ERR_KEY_ALG_MISMATCH');
  });
});

describe('parsePublicJwk: usage members', () => {
  it('keeps well-formed use, key_ops and alg (frozen), so providers enforce them', async () => {
    const { publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    const parsed = parsePublicJwk({ ...publicJwk, kid: 'k', use: 'sig', key_ops: ['verify'], alg: 'ES256', ext: true });
    expect(parsed).toEqual({ ...publicJwk, kid: 'k', use: 'sig', key_ops: ['verify'], alg: 'ES256' });
    expect(Object.isFrozen(parsed.key_ops)).toBe(true);
  });

  it('rfc7517-4-malformed-usage-members: refuses use or alg not a string, key_ops not an array of distinct strings', async () => {
    const { publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    for (const over of [{ use: 1 }, { use: null }, { alg: {} }, { key_ops: 'verify' }, { key_ops: ['verify', 'verify'] }, { key_ops: [null] }]) {
      expect([over, codeOf(() => parsePublicJwk({ ...publicJwk, ...over }))]).toEqual([over, 'ERR_KEY_INVALID']);
    }
  });

  it('rfc7517-4.2-use-not-sig: a parsed "enc" key fails JWS verification with the signature code, on both providers', async () => {
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    const jws = decodeCompactJws(await signCompactJws({}, { a: 1 }, localSigner(privateJwk, 'ES256', defaultCrypto)));
    for (const [, crypto] of PROVIDERS) {
      const ok = parsePublicJwk({ ...publicJwk, use: 'sig' });
      const enc = parsePublicJwk({ ...publicJwk, use: 'enc' });
      expect(await outcome(() => verifyJwsSignature(jws, ok, { algorithms: ['ES256'], crypto }))).toBe('NO_ERROR');
      expect(await outcome(() => verifyJwsSignature(jws, enc, { algorithms: ['ES256'], crypto }))).toBe('ERR_JWS_SIGNATURE_INVALID');
    }
  });
});
