import { base64urlDecode } from '../encoding.js';
import { ComityError } from '../errors.js';
import type { Jwk } from '../jwk.js';
import { type AlgorithmInfo, algorithmInfo, isSignatureAlgorithm, type SignatureAlgorithm } from './types.js';

/** Checks that a JWK fits an algorithm before any crypto runs. @throws ComityError `ERR_KEY_ALG_MISMATCH` / `ERR_ALG_UNSUPPORTED` */
export function checkKeyForAlg(alg: SignatureAlgorithm, jwk: Jwk): AlgorithmInfo {
  if (!isSignatureAlgorithm(alg)) throw new ComityError('ERR_ALG_UNSUPPORTED', 'unsupported signature algorithm', { details: { alg: String(alg) } });
  const info = algorithmInfo(alg);
  if (jwk.kty !== info.kty || (info.crv !== undefined && jwk.crv !== info.crv)) {
    throw new ComityError('ERR_KEY_ALG_MISMATCH', `key does not fit algorithm ${alg}`, { details: { alg, kty: label(jwk.kty), crv: label(jwk.crv ?? '') } });
  }
  return info;
}

/**
 * A short, value-free label of an untrusted member for error details: `kty` and `crv` come from
 * the input, and String() of anything else could run its toString or echo a long value.
 */
export function label(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 16) : typeof value;
}

/**
 * Little-endian `y` (sign bit clear) of the eight Ed25519 points of small order (the torsion
 * subgroup): y = 1 (identity), p - 1, 0, and the two of order 8. OpenSSL (so both providers on
 * Node) verifies with such keys: with the identity as key, `R` = identity and `S` = 0 verify for
 * every message, so a credential bound to one proves no possession at all.
 */
const ED25519_SMALL_ORDER_Y: readonly Uint8Array[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
].map((hex) => Uint8Array.from(hex.match(/../g) as string[], (b) => Number.parseInt(b, 16)));

/**
 * True for an Ed25519 public key comity accepts: 32 bytes, a canonical `y` below
 * p = 2^255 - 19 (RFC 8032 §5.1.3 says decoding fails otherwise, but OpenSSL accepts y = p + 1
 * as the identity: two encodings, two thumbprints), and not a point of small order.
 */
export function isUsableEd25519Key(a: Uint8Array): boolean {
  if (a.length !== 32) return false;
  const top = (a[31] as number) & 0x7f;
  if (top === 0x7f && (a[0] as number) >= 0xed) {
    let allOnes = true;
    for (let i = 1; i < 31; i++) if (a[i] !== 0xff) allOnes = false;
    if (allOnes) return false;
  }
  for (const y of ED25519_SMALL_ORDER_Y) {
    let diff = top ^ (y[31] as number);
    for (let i = 0; i < 31; i++) diff |= (a[i] as number) ^ (y[i] as number);
    if (diff === 0) return false;
  }
  return true;
}

/**
 * The checks a provider runs once, when it imports a public key (not on cached verifications):
 * an Ed25519 key must pass {@link isUsableEd25519Key}. Keys that reach a provider without
 * `parsePublicJwk` (X.509, COSE_Key, configured keys) get the same refusal.
 *
 * @throws ComityError `ERR_KEY_INVALID`
 */
export function checkPublicKeyImport(jwk: Jwk): void {
  if (jwk.kty !== 'OKP') return;
  let ok = false;
  try {
    ok = typeof jwk.x === 'string' && isUsableEd25519Key(base64urlDecode(jwk.x, 'key'));
  } catch {
    ok = false;
  }
  if (!ok) throw new ComityError('ERR_KEY_INVALID', 'Ed25519 public key is not canonical or has small order');
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
