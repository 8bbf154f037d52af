/**
 * COSE_Key (RFC 9052 §7, RFC 9053 §7) to and from JWK, for EC2 and OKP keys.
 *
 * @module
 */
import { base64urlDecode, base64urlEncode, ComityError, type Jwk } from '@comity/core';
import type { CborMap, CborValue } from './cbor.js';

const CRV_TO_JWK: Record<number, string> = { 1: 'P-256', 2: 'P-384', 3: 'P-521', 6: 'Ed25519' };
const JWK_TO_CRV: Record<string, number> = { 'P-256': 1, 'P-384': 2, 'P-521': 3, Ed25519: 6 };
const COORD_LENGTH: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, Ed25519: 32 };

/**
 * Reads a public COSE_Key (EC2 with uncompressed coordinates, or OKP Ed25519) into a JWK, checking
 * key type, curve and coordinate lengths (the checks of core's parsePublicJwk, without re-decoding).
 * Whether an EC point is on its curve, and whether an Ed25519 key is canonical and of large
 * order, the crypto providers check when they first import the key (`ERR_KEY_INVALID`).
 *
 * @throws ComityError `ERR_MDOC_COSE_KEY_INVALID`
 */
export function coseKeyToJwk(value: CborValue, what = 'COSE_Key'): Jwk {
  if (!(value instanceof Map)) throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', `${what} is not a map`);
  const kty = value.get(1);
  const crv = value.get(-1);
  const x = value.get(-2);
  if (typeof crv !== 'number' || CRV_TO_JWK[crv] === undefined || !(x instanceof Uint8Array)) {
    throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', `${what} has an unsupported curve or no x coordinate`);
  }
  if (value.has(-4)) throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', `${what} contains private key material`);
  const crvName = CRV_TO_JWK[crv] as string;
  const length = COORD_LENGTH[crvName] as number;
  if (x.length !== length) throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', `${what} has a coordinate of the wrong length`);
  if (kty === 2 && crvName !== 'Ed25519') {
    const y = value.get(-3);
    if (!(y instanceof Uint8Array)) throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', `${what} has no uncompressed y coordinate`);
    if (y.length !== length) throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', `${what} has a coordinate of the wrong length`);
    return { kty: 'EC', crv: crvName, x: base64urlEncode(x), y: base64urlEncode(y) };
  }
  if (kty === 1 && crvName === 'Ed25519') return { kty: 'OKP', crv: crvName, x: base64urlEncode(x) };
  throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', `${what} has an unsupported key type`);
}

/** Encodes a public JWK (EC P-256/384/521 or Ed25519) as a COSE_Key map. @throws ComityError `ERR_MDOC_COSE_KEY_INVALID` */
export function jwkToCoseKey(jwk: Jwk): CborMap {
  // Own names only: a lookup of 'toString' or 'constructor' would find Object's members.
  const crv = typeof jwk.crv === 'string' && Object.hasOwn(JWK_TO_CRV, jwk.crv) ? JWK_TO_CRV[jwk.crv] : undefined;
  if (crv === undefined || typeof jwk.x !== 'string') throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', 'key has an unsupported curve');
  const m: CborMap = new Map();
  if (jwk.kty === 'EC') {
    if (typeof jwk.y !== 'string') throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', 'EC key has no y coordinate');
    m.set(1, 2);
    m.set(-1, crv);
    m.set(-2, base64urlDecode(jwk.x));
    m.set(-3, base64urlDecode(jwk.y));
  } else if (jwk.kty === 'OKP') {
    m.set(1, 1);
    m.set(-1, crv);
    m.set(-2, base64urlDecode(jwk.x));
  } else {
    throw new ComityError('ERR_MDOC_COSE_KEY_INVALID', 'key type is not supported in COSE_Key');
  }
  return m;
}
