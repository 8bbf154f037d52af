/**
 * JSON Web Keys: the public-key checks comity applies to untrusted keys, and RFC 7638
 * thumbprints.
 *
 * @module
 */

import { checkKeyUsageMembers, isUsableEd25519Key, label, rsaPublicKeyProblem } from './crypto/key-check.js';
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
  key_ops?: string[] | undefined;
  x5c?: string[] | undefined;
  [member: string]: unknown;
}

const EC_COORD_LENGTH: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/** JWK members only a private key has (RFC 7518 §6.2.2, §6.3.2); a symmetric `oct` key is refused by its kty. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

/**
 * Checks an untrusted public JWK: known key type and curve, coordinates of the right
 * length, no private members, well-formed usage members (`use`, `key_ops`, `alg`, RFC 7517
 * §4.2-4.4). Returns a clean, frozen copy holding only the key material, `kid` and the usage
 * members, which the crypto providers then enforce (a `use: "enc"` key never verifies).
 * Ed25519 keys must be canonical and not of small order; RSA integers must be minimal
 * (RFC 7518 §2 Base64urlUInt), the modulus odd and 2048 to 16384 bits, the exponent odd, at
 * least 3 and at most 64 bits. Whether an EC point is on its curve is checked when a provider
 * imports it (`ERR_KEY_INVALID` then).
 *
 * @throws ComityError `ERR_KEY_INVALID`, `ERR_KEY_PRIVATE_MEMBER`
 */
export function parsePublicJwk(value: unknown, what = 'key'): Jwk {
  if (!isPlainObject(value)) throw new ComityError('ERR_KEY_INVALID', `${what} is not a JWK object`);
  const jwk = value as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw new ComityError('ERR_KEY_PRIVATE_MEMBER', `${what} contains private key material`);
  // Copied first, then checked: the copy is what the returned key holds.
  const meta = usageMembers(jwk);
  checkKeyUsageMembers(meta, what);
  const str = (m: string): string => {
    const v = jwk[m];
    if (typeof v !== 'string') throw new ComityError('ERR_KEY_INVALID', `${what} lacks a valid "${m}"`);
    return v;
  };
  const kty = str('kty');
  if (kty === 'EC') {
    const crv = str('crv');
    // Own members only: `crv: "__proto__"` or `"toString"` must not find anything.
    const len = Object.hasOwn(EC_COORD_LENGTH, crv) ? EC_COORD_LENGTH[crv] : undefined;
    if (len === undefined) throw new ComityError('ERR_KEY_INVALID', `${what} uses an unsupported curve`, { details: { crv: label(crv) } });
    const x = str('x');
    const y = str('y');
    if (base64urlDecode(x, what).length !== len || base64urlDecode(y, what).length !== len) {
      throw new ComityError('ERR_KEY_INVALID', `${what} has coordinates of the wrong length`);
    }
    return withMeta({ kty, crv, x, y }, meta);
  }
  if (kty === 'OKP') {
    const crv = str('crv');
    if (crv !== 'Ed25519') throw new ComityError('ERR_KEY_INVALID', `${what} uses an unsupported curve`, { details: { crv: label(crv) } });
    const x = str('x');
    const bytes = base64urlDecode(x, what);
    if (bytes.length !== 32) throw new ComityError('ERR_KEY_INVALID', `${what} has a key of the wrong length`);
    // A small-order key verifies forged signatures (identity key: R = identity, S = 0 for every
    // message), and y >= p is a second encoding (second thumbprint) of a key.
    if (!isUsableEd25519Key(bytes)) throw new ComityError('ERR_KEY_INVALID', `${what} is not a canonical Ed25519 key of large order`);
    return withMeta({ kty, crv, x }, meta);
  }
  if (kty === 'RSA') {
    const n = str('n');
    const e = str('e');
    const problem = rsaPublicKeyProblem(base64urlDecode(n, what), base64urlDecode(e, what));
    if (problem !== undefined) throw new ComityError('ERR_KEY_INVALID', `${what} ${problem}`);
    return withMeta({ kty, n, e }, meta);
  }
  throw new ComityError('ERR_KEY_INVALID', `${what} has an unsupported key type`, { details: { kty: label(kty) } });
}

type UsageMembers = Pick<Jwk, 'kid' | 'alg' | 'use' | 'key_ops'>;

/** `kid` when a string, and a copy of the usage members (read once each, `key_ops` a frozen array copy), not yet checked. */
function usageMembers(jwk: Record<string, unknown>): UsageMembers {
  const { kid, alg, use, key_ops: ops } = jwk;
  const meta: UsageMembers = {};
  if (typeof kid === 'string') meta.kid = kid;
  if (alg !== undefined) meta.alg = alg as string;
  if (use !== undefined) meta.use = use as string;
  if (ops !== undefined) meta.key_ops = (Array.isArray(ops) ? Object.freeze([...ops]) : ops) as string[];
  return meta;
}

function withMeta(jwk: Jwk, meta: UsageMembers): Jwk {
  return Object.freeze(Object.assign(jwk, meta));
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

/**
 * The RFC 7638 canonical JSON of a key's required members. The members are used as given: keys
 * from {@link parsePublicJwk} are canonical, so one key has one thumbprint.
 *
 * @throws ComityError `ERR_KEY_INVALID` (unsupported `kty`, a required member missing or not a string)
 */
export function thumbprintInput(jwk: Jwk): string {
  switch (jwk.kty) {
    case 'EC':
      return `{"crv":${member(jwk.crv)},"kty":"EC","x":${member(jwk.x)},"y":${member(jwk.y)}}`;
    case 'OKP':
      return `{"crv":${member(jwk.crv)},"kty":"OKP","x":${member(jwk.x)}}`;
    case 'RSA':
      return `{"e":${member(jwk.e)},"kty":"RSA","n":${member(jwk.n)}}`;
    default:
      throw new ComityError('ERR_KEY_INVALID', 'unsupported key type for a thumbprint');
  }
}

// RFC 7638 §3.2: the required members must be present. JSON.stringify of a missing member wrote
// `undefined` (not JSON) and of a number or an array a value no real key has.
function member(value: unknown): string {
  if (typeof value !== 'string') throw new ComityError('ERR_KEY_INVALID', 'key lacks a required member for a thumbprint');
  return JSON.stringify(value);
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
