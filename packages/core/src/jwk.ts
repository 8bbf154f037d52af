/**
 * JSON Web Keys: the public-key checks comity applies to untrusted keys, and RFC 7638
 * thumbprints.
 *
 * @module
 */

import type { CryptoProvider, HashAlgorithm } from './crypto/types.js';
import { base64urlDecode, base64urlEncode, isPlainObject, utf8Encode } from './encoding.js';
import { ComityError } from './errors.js';

/** A JSON Web Key (RFC 7517) restricted to the members comity reads. */
export interface Jwk {
  kty: string;
  crv?: string | undefined;
  x?: string | undefined;
  y?: string | undefined;
  d?: string | undefined;
  n?: string | undefined;
  e?: string | undefined;
  p?: string | undefined;
  q?: string | undefined;
  dp?: string | undefined;
  dq?: string | undefined;
  qi?: string | undefined;
  kid?: string | undefined;
  alg?: string | undefined;
  use?: string | undefined;
  x5c?: string[] | undefined;
  [member: string]: unknown;
}

const EC_COORD_LENGTH: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/** JWK members only a private key has (RFC 7518 §6.2.2, §6.3.2); a symmetric `oct` key is refused by its kty. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

/**
 * Checks an untrusted public JWK: known key type and curve, coordinates of the right
 * length, no private members. Returns a clean, frozen copy holding only the key material and `kid`.
 *
 * @throws ComityError `ERR_KEY_INVALID`, `ERR_KEY_PRIVATE_MEMBER`
 */
export function parsePublicJwk(value: unknown, what = 'key'): Jwk {
  if (!isPlainObject(value)) throw new ComityError('ERR_KEY_INVALID', `${what} is not a JWK object`);
  const jwk = value as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw new ComityError('ERR_KEY_PRIVATE_MEMBER', `${what} contains private key material`);
  const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
  const str = (m: string): string => {
    const v = jwk[m];
    if (typeof v !== 'string') throw new ComityError('ERR_KEY_INVALID', `${what} lacks a valid "${m}"`);
    return v;
  };
  const kty = str('kty');
  if (kty === 'EC') {
    const crv = str('crv');
    const len = EC_COORD_LENGTH[crv];
    if (len === undefined) throw new ComityError('ERR_KEY_INVALID', `${what} uses an unsupported curve`, { details: { crv } });
    const x = str('x');
    const y = str('y');
    if (base64urlDecode(x, what).length !== len || base64urlDecode(y, what).length !== len) {
      throw new ComityError('ERR_KEY_INVALID', `${what} has coordinates of the wrong length`);
    }
    return withKid({ kty, crv, x, y }, kid);
  }
  if (kty === 'OKP') {
    const crv = str('crv');
    if (crv !== 'Ed25519') throw new ComityError('ERR_KEY_INVALID', `${what} uses an unsupported curve`, { details: { crv } });
    const x = str('x');
    if (base64urlDecode(x, what).length !== 32) throw new ComityError('ERR_KEY_INVALID', `${what} has a key of the wrong length`);
    return withKid({ kty, crv, x }, kid);
  }
  if (kty === 'RSA') {
    const n = str('n');
    const e = str('e');
    if (base64urlDecode(n, what).length < 256) throw new ComityError('ERR_KEY_INVALID', `${what} is an RSA key shorter than 2048 bits`);
    base64urlDecode(e, what);
    return withKid({ kty, n, e }, kid);
  }
  throw new ComityError('ERR_KEY_INVALID', `${what} has an unsupported key type`, { details: { kty } });
}

function withKid(jwk: Jwk, kid: string | undefined): Jwk {
  if (kid !== undefined) jwk.kid = kid;
  return Object.freeze(jwk);
}

/** The public part of a JWK (drops private members and metadata other than `kid`). */
export function toPublicJwk(jwk: Jwk): Jwk {
  const { kty, crv, x, y, n, e, kid } = jwk;
  const out: Jwk = { kty };
  if (crv !== undefined) out.crv = crv;
  if (x !== undefined) out.x = x;
  if (y !== undefined) out.y = y;
  if (n !== undefined) out.n = n;
  if (e !== undefined) out.e = e;
  if (kid !== undefined) out.kid = kid;
  return out;
}

/** The RFC 7638 canonical JSON of a key's required members. */
export function thumbprintInput(jwk: Jwk): string {
  switch (jwk.kty) {
    case 'EC':
      return `{"crv":${JSON.stringify(jwk.crv)},"kty":"EC","x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`;
    case 'OKP':
      return `{"crv":${JSON.stringify(jwk.crv)},"kty":"OKP","x":${JSON.stringify(jwk.x)}}`;
    case 'RSA':
      return `{"e":${JSON.stringify(jwk.e)},"kty":"RSA","n":${JSON.stringify(jwk.n)}}`;
    default:
      throw new ComityError('ERR_KEY_INVALID', 'unsupported key type for a thumbprint');
  }
}

/**
 * RFC 7638 JWK thumbprint, base64url.
 *
 * @example
 * ```ts
 * const kid = await jwkThumbprint(publicJwk, crypto);
 * ```
 */
export async function jwkThumbprint(jwk: Jwk, crypto: CryptoProvider, hash: HashAlgorithm = 'sha-256'): Promise<string> {
  return base64urlEncode(await jwkThumbprintBytes(jwk, crypto, hash));
}

/** RFC 7638 JWK thumbprint as bytes (OpenID4VP's `jwkThumbprint` handover input). */
export async function jwkThumbprintBytes(jwk: Jwk, crypto: CryptoProvider, hash: HashAlgorithm = 'sha-256'): Promise<Uint8Array> {
  return crypto.digest(hash, utf8Encode(thumbprintInput(jwk)));
}

/** True when two JWKs hold the same public key. */
export function samePublicKey(a: Jwk, b: Jwk): boolean {
  return a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y && a.n === b.n && a.e === b.e;
}
