/**
 * WebCrypto provider: runs in browsers, Deno, workers and React Native with a
 * WebCrypto polyfill. Imported keys are cached by key material.
 *
 * @module
 */
import { ComityError } from '../errors.js';
import type { Jwk } from '../jwk.js';
import { BoundedCache, checkKeyForAlg, checkPublicKeyImport, jwkCacheKey } from './key-check.js';
import { algorithmInfo, type CryptoProvider, type HashAlgorithm, type SignatureAlgorithm } from './types.js';

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new ComityError('ERR_CRYPTO_UNAVAILABLE', 'WebCrypto is not available in this runtime');
  return s;
};

const WEB_HASH: Record<HashAlgorithm, string> = { 'sha-256': 'SHA-256', 'sha-384': 'SHA-384', 'sha-512': 'SHA-512' };

function importParams(alg: SignatureAlgorithm): { import: EcKeyImportParams | RsaHashedImportParams | Algorithm; op: Algorithm | EcdsaParams | RsaPssParams } {
  const info = algorithmInfo(alg);
  if (info.kty === 'EC') {
    return { import: { name: 'ECDSA', namedCurve: info.crv as string }, op: { name: 'ECDSA', hash: WEB_HASH[info.hash as HashAlgorithm] } as EcdsaParams };
  }
  if (info.kty === 'OKP') return { import: { name: 'Ed25519' }, op: { name: 'Ed25519' } };
  const hash = WEB_HASH[info.hash as HashAlgorithm];
  if (info.pss) {
    const saltLength = info.hash === 'sha-256' ? 32 : info.hash === 'sha-384' ? 48 : 64;
    return { import: { name: 'RSA-PSS', hash } as RsaHashedImportParams, op: { name: 'RSA-PSS', saltLength } as RsaPssParams };
  }
  return { import: { name: 'RSASSA-PKCS1-v1_5', hash } as RsaHashedImportParams, op: { name: 'RSASSA-PKCS1-v1_5' } };
}

const keys = new BoundedCache<Promise<CryptoKey>>(4096);

function importKey(alg: SignatureAlgorithm, jwk: Jwk, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  const id = `${alg}|${usage}|${jwkCacheKey(usage === 'verify' ? { ...jwk, d: undefined } : jwk)}`;
  let key = keys.get(id);
  if (key === undefined) {
    // Once per imported key: Node's WebCrypto (OpenSSL) takes small-order Ed25519 keys, and RFC 8032 lets others.
    if (usage === 'verify') checkPublicKeyImport(jwk);
    const { kty, crv, x, y, n, e, d, p, q, dp, dq, qi } = jwk;
    const material = usage === 'verify' ? { kty, crv, x, y, n, e } : { kty, crv, x, y, n, e, d, p, q, dp, dq, qi };
    key = subtle()
      .importKey('jwk', material as JsonWebKey, importParams(alg).import, false, [usage])
      .catch((cause: unknown) => {
        throw new ComityError('ERR_KEY_INVALID', 'key could not be imported', { cause });
      });
    keys.set(id, key);
  }
  return key;
}

const view = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

/** The WebCrypto provider. */
export const webCrypto: CryptoProvider = {
  name: 'webcrypto',
  async digest(alg, data) {
    return new Uint8Array(await subtle().digest(WEB_HASH[alg], view(data)));
  },
  async verify(alg, publicKey, data, signature) {
    const info = checkKeyForAlg(alg, publicKey);
    if (info.sigLength !== 0 && signature.length !== info.sigLength) return false;
    const key = await importKey(alg, publicKey, 'verify');
    try {
      return await subtle().verify(importParams(alg).op, key, view(signature), view(data));
    } catch {
      return false;
    }
  },
  async sign(alg, privateKey, data) {
    checkKeyForAlg(alg, privateKey, 'sign');
    const key = await importKey(alg, privateKey, 'sign');
    return new Uint8Array(await subtle().sign(importParams(alg).op, key, view(data)));
  },
  randomBytes(length) {
    return globalThis.crypto.getRandomValues(new Uint8Array(length));
  },
  async generateKeyPair(alg) {
    const params = importParams(alg).import;
    const generate =
      algorithmInfo(alg).kty === 'RSA' ? { ...(params as RsaHashedImportParams), modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } : params;
    const pair = (await subtle().generateKey(generate, true, ['sign', 'verify'])) as CryptoKeyPair;
    const privateJwk = (await subtle().exportKey('jwk', pair.privateKey)) as Jwk;
    const publicJwk = (await subtle().exportKey('jwk', pair.publicKey)) as Jwk;
    for (const j of [privateJwk, publicJwk]) {
      delete j.key_ops;
      delete j.ext;
    }
    return { privateJwk, publicJwk };
  },
  async ecdh(privateKey, publicKey) {
    if (privateKey.kty !== 'EC' || publicKey.kty !== 'EC' || privateKey.crv !== publicKey.crv) {
      throw new ComityError('ERR_KEY_ALG_MISMATCH', 'ECDH needs two EC keys on the same curve');
    }
    const namedCurve = privateKey.crv as string;
    const { kty, crv, x, y, d } = privateKey;
    const priv = await subtle().importKey('jwk', { kty, crv, x, y, d }, { name: 'ECDH', namedCurve }, false, ['deriveBits']);
    const pub = await subtle().importKey('jwk', { kty, crv, x: publicKey.x, y: publicKey.y }, { name: 'ECDH', namedCurve }, false, []);
    const bits = namedCurve === 'P-256' ? 256 : namedCurve === 'P-384' ? 384 : 528;
    return new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: pub }, priv, bits));
  },
  async hkdf(hash, ikm, salt, info, length) {
    const key = await subtle().importKey('raw', view(ikm), 'HKDF', false, ['deriveBits']);
    const bits = await subtle().deriveBits({ name: 'HKDF', hash: WEB_HASH[hash], salt: view(salt), info: view(info) }, key, length * 8);
    return new Uint8Array(bits);
  },
  async hmac(hash, key, data) {
    const k = await subtle().importKey('raw', view(key), { name: 'HMAC', hash: WEB_HASH[hash] }, false, ['sign']);
    return new Uint8Array(await subtle().sign('HMAC', k, view(data)));
  },
};

export { webCrypto as platformCrypto };
