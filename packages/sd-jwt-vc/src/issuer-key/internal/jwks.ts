/**
 * JWK Set handling for issuer keys fetched from the network: strict shape, keys selected
 * by `kid`, unsupported key types ignored (RFC 7517 §5), private keys refused.
 *
 * @module
 */
import { ComityError, isPlainObject, type Jwk, parsePublicJwk } from '@comity/core';

/** Most keys offered as candidates when the header names no `kid`. */
export const MAX_CANDIDATES = 10;

/**
 * Returns the signature keys of a JWK Set, restricted to `kid` when one is given.
 *
 * @throws ComityError `code` (set malformed or holding a private key), `ERR_SDJWT_ISSUER_KEY_UNRESOLVED` (no usable key)
 */
export function selectJwksKeys(jwks: unknown, kid: unknown, code: string): Jwk[] {
  if (!isPlainObject(jwks) || !Array.isArray(jwks.keys)) throw new ComityError(code, 'the JWK Set is malformed');
  if (kid !== undefined && typeof kid !== 'string') throw new ComityError('ERR_SDJWT_ISSUER_KEY_UNRESOLVED', 'the header kid is not a string');
  const out: Jwk[] = [];
  for (const raw of jwks.keys as unknown[]) {
    if (!isPlainObject(raw)) throw new ComityError(code, 'the JWK Set holds a non-object key');
    if ('d' in raw || 'p' in raw || 'q' in raw) throw new ComityError(code, 'the JWK Set holds private key material');
    if (kid !== undefined && raw.kid !== kid) continue;
    if (raw.use !== undefined && raw.use !== 'sig') continue;
    let jwk: Jwk;
    try {
      jwk = parsePublicJwk(raw, 'issuer key');
    } catch (cause) {
      // A key named by the header must be usable; other unsupported keys are skipped.
      if (kid !== undefined) throw new ComityError(code, 'the key named by kid is not a supported public key', { cause });
      continue;
    }
    out.push(jwk);
  }
  if (out.length === 0) {
    throw new ComityError('ERR_SDJWT_ISSUER_KEY_UNRESOLVED', kid === undefined ? 'the JWK Set holds no usable signature key' : 'no key matches the header kid');
  }
  if (kid !== undefined && out.length > 1) throw new ComityError(code, 'the JWK Set holds several keys with the header kid');
  return out.slice(0, MAX_CANDIDATES);
}
