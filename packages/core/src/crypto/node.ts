/**
 * node:crypto provider: `KeyObject`s are cached by key material, ECDSA uses IEEE P1363
 * signatures directly, hashing is synchronous under the promise. Chosen on Node by the
 * `#platform-crypto` import condition.
 *
 * @module
 */

import * as nodeCryptoModule from 'node:crypto';
import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes as nodeRandomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { ComityError } from '../errors.js';
import type { Jwk } from '../jwk.js';
import { BoundedCache, checkKeyForAlg, checkPublicKeyImport, jwkCacheKey } from './key-check.js';
import { algorithmInfo, type CryptoProvider, type HashAlgorithm, hashName, type SignatureAlgorithm } from './types.js';

const oneShotHash = (
  nodeCryptoModule as { hash?: <E extends 'buffer' | 'base64url'>(alg: string, data: Uint8Array | string, encoding: E) => E extends 'buffer' ? Buffer : string }
).hash;
const publicKeys = new BoundedCache<KeyObject>(4096);
const privateKeys = new BoundedCache<KeyObject>(256);

// Pinned keys are the same objects call after call: look frozen ones up by identity first
// (a frozen JWK cannot change under the cache; parsePublicJwk returns frozen keys).
const byIdentity = new WeakMap<Jwk, KeyObject>();

function publicKeyObject(jwk: Jwk): KeyObject {
  const known = byIdentity.get(jwk);
  if (known !== undefined) return known;
  const id = jwkCacheKey({ ...jwk, d: undefined });
  let key = publicKeys.get(id);
  if (key === undefined) {
    // Once per imported key, never on a cached verification: OpenSSL takes small-order Ed25519 keys.
    checkPublicKeyImport(jwk);
    try {
      const { kty, crv, x, y, n, e } = jwk;
      key = createPublicKey({ key: { kty, crv, x, y, n, e } as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch (cause) {
      throw new ComityError('ERR_KEY_INVALID', 'public key could not be imported', { cause });
    }
    publicKeys.set(id, key);
  }
  if (Object.isFrozen(jwk)) byIdentity.set(jwk, key);
  return key;
}

function privateKeyObject(jwk: Jwk): KeyObject {
  const id = jwkCacheKey(jwk);
  let key = privateKeys.get(id);
  if (key === undefined) {
    try {
      key = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch (cause) {
      throw new ComityError('ERR_KEY_INVALID', 'private key could not be imported', { cause });
    }
    privateKeys.set(id, key);
  }
  return key;
}

function verifySync(alg: SignatureAlgorithm, publicKey: Jwk, data: Uint8Array, signature: Uint8Array): boolean {
  const info = checkKeyForAlg(alg, publicKey);
  if (info.sigLength !== 0 && signature.length !== info.sigLength) return false;
  const key = publicKeyObject(publicKey);
  try {
    return nodeVerify(info.hash === null ? null : hashName(info.hash), data, keyInput(alg, key, info.pss), signature);
  } catch {
    return false;
  }
}

function keyInput(alg: SignatureAlgorithm, key: KeyObject, pss: boolean | undefined) {
  if (alg.startsWith('ES')) return { key, dsaEncoding: 'ieee-p1363' as const };
  if (pss) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  return key;
}

/** The node:crypto provider. */
export const nodeCrypto: CryptoProvider = {
  name: 'node:crypto',
  async digest(alg: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
    // crypto.hash (Node >= 20.12) is a one-shot without a Hash object. The result is a plain
    // Uint8Array view (no copy): Buffer's slice() would share memory where callers expect a copy.
    const b = oneShotHash !== undefined ? oneShotHash(hashName(alg), data, 'buffer') : createHash(hashName(alg)).update(data).digest();
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  digestBase64urlSync(alg: HashAlgorithm, text: string): string {
    // A string result avoids allocating a Buffer in native code, the larger part of hashing a short input.
    if (oneShotHash !== undefined) return oneShotHash(hashName(alg), text, 'base64url');
    return createHash(hashName(alg)).update(text, 'utf8').digest('base64url');
  },
  // Not `async`: node:crypto verifies synchronously, and an async function allocates its frame
  // on every call (a verifier calls this twice per SD-JWT). Errors still arrive as rejections.
  verify(alg, publicKey, data, signature) {
    try {
      return Promise.resolve(verifySync(alg, publicKey, data, signature));
    } catch (e) {
      return Promise.reject(e);
    }
  },
  async sign(alg, privateKey, data) {
    const info = checkKeyForAlg(alg, privateKey, 'sign');
    const key = privateKeyObject(privateKey);
    return new Uint8Array(nodeSign(info.hash === null ? null : hashName(info.hash), data, keyInput(alg, key, info.pss)));
  },
  randomBytes(length) {
    return new Uint8Array(nodeRandomBytes(length));
  },
  async generateKeyPair(alg) {
    const { kty, crv } = algorithmInfo(alg);
    const pair =
      kty === 'EC'
        ? generateKeyPairSync('ec', { namedCurve: crv as string })
        : kty === 'OKP'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateJwk = pair.privateKey.export({ format: 'jwk' }) as Jwk;
    const publicJwk = pair.publicKey.export({ format: 'jwk' }) as Jwk;
    return { privateJwk, publicJwk };
  },
  async ecdh(privateKey, publicKey) {
    if (privateKey.kty !== 'EC' || publicKey.kty !== 'EC' || privateKey.crv !== publicKey.crv) {
      throw new ComityError('ERR_KEY_ALG_MISMATCH', 'ECDH needs two EC keys on the same curve');
    }
    return new Uint8Array(diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(publicKey) }));
  },
  async hkdf(hash, ikm, salt, info, length) {
    return new Uint8Array(hkdfSync(hashName(hash), ikm, salt, info, length));
  },
  async hmac(hash, key, data) {
    return new Uint8Array(createHmac(hashName(hash), key).update(data).digest());
  },
};

export { nodeCrypto as platformCrypto };
