/**
 * The COSE (RFC 9052) pieces a CWT Status List Token needs: header and claim labels and the
 * `Sig_structure` of a COSE_Sign1.
 *
 * @module
 */
import { cborEncode } from './cbor.js';

// The algorithm registry is core's (COSE_ALGORITHMS, COSE_ALGORITHM_IDS): one table for every COSE user.
export { COSE_ALGORITHM_IDS, COSE_ALGORITHMS } from '@comity/core';

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
