import type { CryptoProvider, SignatureAlgorithm, Signer } from './crypto/types.js';
import { ComityUsageError } from './errors.js';
import { type Jwk, toPublicJwk } from './jwk.js';

/**
 * A {@link Signer} over a private JWK held in memory. For an HSM or KMS, implement
 * `Signer` directly instead.
 *
 * @example
 * ```ts
 * const { privateJwk } = await crypto.generateKeyPair('ES256');
 * const signer = localSigner(privateJwk, 'ES256', crypto);
 * ```
 */
export function localSigner(privateJwk: Jwk, alg: SignatureAlgorithm, crypto: CryptoProvider): Signer {
  if (typeof privateJwk?.d !== 'string') throw new ComityUsageError('ERR_USAGE_PRIVATE_KEY', 'localSigner needs a private JWK');
  const key = { ...privateJwk };
  return { alg, publicJwk: Object.freeze(toPublicJwk(privateJwk)), sign: (data) => crypto.sign(alg, key, data) };
}
