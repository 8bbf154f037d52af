/**
 * The COSE (RFC 9052) pieces a CWT Status List Token needs: algorithm identifiers and the
 * `Sig_structure` of a COSE_Sign1.
 *
 * @module
 */
import type { SignatureAlgorithm } from '@comity/core';
import { cborEncode } from './cbor.js';

/** COSE algorithm identifiers (RFC 9053, RFC 9864) to comity's signature algorithms. */
export const COSE_ALGORITHMS: ReadonlyMap<number, SignatureAlgorithm> = new Map<number, SignatureAlgorithm>([
  [-7, 'ES256'],
  [-9, 'ES256'],
  [-35, 'ES384'],
  [-51, 'ES384'],
  [-36, 'ES512'],
  [-52, 'ES512'],
  [-8, 'EdDSA'],
  [-19, 'Ed25519'],
  [-37, 'PS256'],
  [-38, 'PS384'],
  [-39, 'PS512'],
  [-257, 'RS256'],
  [-258, 'RS384'],
  [-259, 'RS512'],
]);

/** comity signature algorithm to the COSE identifier written when signing. */
export const COSE_ALGORITHM_IDS: Readonly<Record<SignatureAlgorithm, number>> = {
  ES256: -7,
  ES384: -35,
  ES512: -36,
  EdDSA: -8,
  Ed25519: -19,
  PS256: -37,
  PS384: -38,
  PS512: -39,
  RS256: -257,
  RS384: -258,
  RS512: -259,
};

/** COSE header labels used here. */
export const COSE_HEADER = { alg: 1, crit: 2, kid: 4, typ: 16, x5chain: 33 } as const;

/** CWT claim keys used by §5.2. */
export const CWT_CLAIM = { iss: 1, sub: 2, exp: 4, nbf: 5, iat: 6, ttl: 65534, statusList: 65533 } as const;

/** COSE_Sign1 tag number. */
export const COSE_SIGN1_TAG = 18;

/** `Sig_structure` for a COSE_Sign1 without external AAD: the bytes that are signed. */
export function sign1ToBeSigned(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return cborEncode(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}
