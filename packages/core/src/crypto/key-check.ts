import { ComityError } from '../errors.js';
import type { Jwk } from '../jwk.js';
import { type AlgorithmInfo, algorithmInfo, isSignatureAlgorithm, type SignatureAlgorithm } from './types.js';

/** Checks that a JWK fits an algorithm before any crypto runs. @throws ComityError `ERR_KEY_ALG_MISMATCH` / `ERR_ALG_UNSUPPORTED` */
export function checkKeyForAlg(alg: SignatureAlgorithm, jwk: Jwk): AlgorithmInfo {
  if (!isSignatureAlgorithm(alg)) throw new ComityError('ERR_ALG_UNSUPPORTED', 'unsupported signature algorithm', { details: { alg: String(alg) } });
  const info = algorithmInfo(alg);
  if (jwk.kty !== info.kty || (info.crv !== undefined && jwk.crv !== info.crv)) {
    throw new ComityError('ERR_KEY_ALG_MISMATCH', `key does not fit algorithm ${alg}`, { details: { alg, kty: String(jwk.kty), crv: String(jwk.crv ?? '') } });
  }
  return info;
}

/** A cache key naming a JWK's public (and private) material. */
export function jwkCacheKey(jwk: Jwk): string {
  return `${jwk.kty}|${jwk.crv ?? ''}|${jwk.x ?? ''}|${jwk.y ?? ''}|${jwk.n ?? ''}|${jwk.e ?? ''}|${jwk.d ?? ''}`;
}

/** A small bounded map: drops the oldest entry when full. */
export class BoundedCache<V> {
  readonly #map = new Map<string, V>();
  constructor(readonly limit: number) {}
  get(key: string): V | undefined {
    return this.#map.get(key);
  }
  delete(key: string): void {
    this.#map.delete(key);
  }
  set(key: string, value: V): void {
    if (this.#map.size >= this.limit) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }
}
