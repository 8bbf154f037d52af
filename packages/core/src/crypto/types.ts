/**
 * The crypto provider interface every comity package signs, verifies and hashes through.
 * Signatures are in the JOSE/COSE raw form (ECDSA: `r || s`, IEEE P1363), so JWS and
 * COSE share one code path.
 *
 * @module
 */
import type { Jwk } from '../jwk.js';

/** Signature algorithms by their JOSE/COSE names. */
export type SignatureAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed25519' | 'PS256' | 'PS384' | 'PS512' | 'RS256' | 'RS384' | 'RS512';

/** Hash algorithms by their IANA "Named Information" names, as used by `_sd_alg`. */
export type HashAlgorithm = 'sha-256' | 'sha-384' | 'sha-512';

/** A signature algorithm list containing only asymmetric algorithms comity accepts by default. */
export const DEFAULT_SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = Object.freeze(['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** Every algorithm a provider can handle. */
export const SUPPORTED_SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
]);

/** Pluggable cryptography. The default runs on WebCrypto; Node gets node:crypto with cached keys. */
export interface CryptoProvider {
  readonly name: string;
  /** Hash of `data`. */
  digest(alg: HashAlgorithm, data: Uint8Array): Promise<Uint8Array>;
  /**
   * Hash of a string's UTF-8 bytes as unpadded base64url, computed synchronously; offered by
   * providers whose platform can (node:crypto), absent on WebCrypto. JOSE digests (SD-JWT
   * disclosure digests, `sd_hash`) are exactly this, and skipping the promise and the byte
   * round trip is most of their cost. Callers fall back to {@link CryptoProvider.digest}.
   */
  digestBase64urlSync?(alg: HashAlgorithm, text: string): string;
  /** Verifies a raw-form signature. Returns false on a bad signature; throws `ERR_KEY_*` on an unusable key. */
  verify(alg: SignatureAlgorithm, publicKey: Jwk, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** Signs with a private JWK, returning the raw-form signature. */
  sign(alg: SignatureAlgorithm, privateKey: Jwk, data: Uint8Array): Promise<Uint8Array>;
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;
  /** Generates a key pair for `alg` (EC curves and Ed25519). */
  generateKeyPair(alg: SignatureAlgorithm): Promise<{ privateJwk: Jwk; publicJwk: Jwk }>;
  /** ECDH shared secret (x coordinate) between a private and a public EC key on the same curve. */
  ecdh(privateKey: Jwk, publicKey: Jwk): Promise<Uint8Array>;
  /** HKDF (RFC 5869). */
  hkdf(hash: HashAlgorithm, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;
  /** HMAC of `data`. */
  hmac(hash: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
}

/** Signs data with a key the caller controls: a local key, an HSM or a KMS. */
export interface Signer {
  /** The algorithm this signer produces. */
  readonly alg: SignatureAlgorithm;
  /**
   * The public key, when the signer can tell it (`localSigner` does; an HSM signer may). A
   * wallet uses it to refuse a credential bound to another key when it arrives, not when a
   * verifier refuses the presentation.
   */
  readonly publicJwk?: Jwk;
  /** Returns the raw-form signature over `data`. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Hash name as understood by node:crypto / WebCrypto. */
export function hashName(alg: HashAlgorithm): 'sha256' | 'sha384' | 'sha512' {
  switch (alg) {
    case 'sha-256':
      return 'sha256';
    case 'sha-384':
      return 'sha384';
    case 'sha-512':
      return 'sha512';
  }
}

/** Details of each signature algorithm: key type, curve, hash, ECDSA signature length. */
export interface AlgorithmInfo {
  kty: 'EC' | 'OKP' | 'RSA';
  crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  hash: HashAlgorithm | null;
  /** Raw signature length in bytes (ECDSA, EdDSA); 0 for RSA. */
  sigLength: number;
  pss?: boolean;
}

const INFO: Record<SignatureAlgorithm, AlgorithmInfo> = {
  ES256: { kty: 'EC', crv: 'P-256', hash: 'sha-256', sigLength: 64 },
  ES384: { kty: 'EC', crv: 'P-384', hash: 'sha-384', sigLength: 96 },
  ES512: { kty: 'EC', crv: 'P-521', hash: 'sha-512', sigLength: 132 },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', hash: null, sigLength: 64 },
  Ed25519: { kty: 'OKP', crv: 'Ed25519', hash: null, sigLength: 64 },
  PS256: { kty: 'RSA', hash: 'sha-256', sigLength: 0, pss: true },
  PS384: { kty: 'RSA', hash: 'sha-384', sigLength: 0, pss: true },
  PS512: { kty: 'RSA', hash: 'sha-512', sigLength: 0, pss: true },
  RS256: { kty: 'RSA', hash: 'sha-256', sigLength: 0 },
  RS384: { kty: 'RSA', hash: 'sha-384', sigLength: 0 },
  RS512: { kty: 'RSA', hash: 'sha-512', sigLength: 0 },
};

/** True if `alg` is a signature algorithm comity knows. */
export function isSignatureAlgorithm(alg: unknown): alg is SignatureAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(INFO, alg);
}

/** Returns the algorithm's key and hash requirements. */
export function algorithmInfo(alg: SignatureAlgorithm): AlgorithmInfo {
  return INFO[alg];
}
