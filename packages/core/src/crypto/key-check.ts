import { base64urlDecode } from '../encoding.js';
import { ComityError } from '../errors.js';
import type { Jwk } from '../jwk.js';
import { type AlgorithmInfo, algorithmInfo, isSignatureAlgorithm, type SignatureAlgorithm } from './types.js';

/**
 * Checks that a JWK fits an algorithm and an operation before any crypto runs, and before any
 * imported-key cache is consulted (both providers call it first): key type and curve, and the
 * RFC 7517 usage members when present. `use` must be `"sig"` (§4.2), `key_ops` must list
 * `op` (§4.3), `alg` must name `alg` (§4.4; `EdDSA` and `Ed25519` name the same algorithm on an
 * Ed25519 key, RFC 9864 §2.2). Malformed members are refused as in {@link checkKeyUsageMembers}.
 *
 * @throws ComityError `ERR_KEY_ALG_MISMATCH` (`details.member` names a refusing usage member),
 * `ERR_KEY_INVALID` (a malformed usage member), `ERR_ALG_UNSUPPORTED`
 */
export function checkKeyForAlg(alg: SignatureAlgorithm, jwk: Jwk, op: 'verify' | 'sign' = 'verify'): AlgorithmInfo {
  if (!isSignatureAlgorithm(alg)) throw new ComityError('ERR_ALG_UNSUPPORTED', 'unsupported signature algorithm', { details: { alg: String(alg) } });
  const info = algorithmInfo(alg);
  if (jwk.kty !== info.kty || (info.crv !== undefined && jwk.crv !== info.crv)) {
    throw new ComityError('ERR_KEY_ALG_MISMATCH', `key does not fit algorithm ${alg}`, { details: { alg, kty: label(jwk.kty), crv: label(jwk.crv ?? '') } });
  }
  // Most keys carry none of the three: one cheap test on the hot path.
  if (jwk.use !== undefined || jwk.key_ops !== undefined || jwk.alg !== undefined) {
    checkKeyUsageMembers(jwk);
    const refuse = (member: string) => {
      throw new ComityError('ERR_KEY_ALG_MISMATCH', `key is not meant for ${op} with ${alg}`, { details: { alg, op, member } });
    };
    if (jwk.use !== undefined && jwk.use !== 'sig') refuse('use');
    if (jwk.key_ops !== undefined && !jwk.key_ops.includes(op)) refuse('key_ops');
    if (jwk.alg !== undefined && jwk.alg !== alg && !(info.crv === 'Ed25519' && ED25519_NAMES.has(jwk.alg))) refuse('alg');
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

const ED25519_NAMES: ReadonlySet<string> = new Set(['EdDSA', 'Ed25519']);

/** Largest RSA modulus accepted (16384 bits, OpenSSL's limit for a public-key operation). */
const RSA_MAX_MODULUS_BYTES = 2048;

/**
 * The RSA public-key checks of both JWKs (`parsePublicJwk`) and certificate keys (chain
 * validation), on the unsigned big-endian `n` and `e`: RFC 7518 §2 and §6.3.1 say they are in
 * the fewest octets. Counting octets of a zero-padded modulus let a 1024-bit key pass the
 * 2048-bit floor (and gave one key several thumbprints); an even modulus is no RSA key, and
 * `e = 1` makes every message its own signature. Returns why the key is refused (a phrase
 * after the key's name), or `undefined` for a usable key.
 */
export function rsaPublicKeyProblem(n: Uint8Array, e: Uint8Array): string | undefined {
  if (n[0] === 0 || e[0] === 0) return 'has an RSA integer with leading zero octets';
  // Bits, not octets: 256 octets whose top octet is below 0x80 hold 2041 to 2047 bits.
  if (n.length < 256 || (n.length === 256 && ((n[0] as number) & 0x80) === 0)) return 'is an RSA key shorter than 2048 bits';
  if (n.length > RSA_MAX_MODULUS_BYTES) return 'is an RSA key longer than 16384 bits';
  if (((n[n.length - 1] as number) & 1) === 0) return 'has an even RSA modulus';
  if (e.length === 0 || e.length > 8 || ((e[e.length - 1] as number) & 1) === 0 || (e.length === 1 && e[0] === 1)) return 'has an unusable RSA exponent';
  return undefined;
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

/**
 * Checks the form of a JWK's usage members (RFC 7517 §4.2-4.4) when present: `use` and `alg`
 * strings, `key_ops` an array of distinct strings. Whether they allow an operation is
 * {@link checkKeyForAlg}'s business.
 *
 * @throws ComityError `ERR_KEY_INVALID`
 */
export function checkKeyUsageMembers(jwk: Readonly<Record<string, unknown>>, what = 'key'): void {
  const { use, alg, key_ops: ops } = jwk;
  if (use !== undefined && typeof use !== 'string') throw new ComityError('ERR_KEY_INVALID', `${what} has a "use" that is not a string`);
  if (alg !== undefined && typeof alg !== 'string') throw new ComityError('ERR_KEY_INVALID', `${what} has an "alg" that is not a string`);
  if (ops === undefined) return;
  // §4.3: an array of strings, and duplicate key operation values must not be present.
  if (!Array.isArray(ops) || ops.some((o) => typeof o !== 'string') || new Set(ops).size !== ops.length) {
    throw new ComityError('ERR_KEY_INVALID', `${what} has a "key_ops" that is not an array of distinct strings`);
  }
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
