/**
 * The COSE algorithm registry comity understands (RFC 9053, and the fully specified ECDSA
 * identifiers of RFC 9864): one table for every COSE user (mdoc, CWT status lists, VICAL).
 *
 * @module
 */
import type { SignatureAlgorithm } from './types.js';

/** COSE algorithm identifiers to comity's signature algorithms. */
export const COSE_ALGORITHMS: ReadonlyMap<number, SignatureAlgorithm> = new Map<number, SignatureAlgorithm>([
  [-7, 'ES256'],
  [-9, 'ES256'], // ESP256 (fully specified)
  [-35, 'ES384'],
  [-51, 'ES384'], // ESP384
  [-36, 'ES512'],
  [-52, 'ES512'], // ESP512
  [-8, 'EdDSA'],
  [-19, 'Ed25519'],
  [-37, 'PS256'],
  [-38, 'PS384'],
  [-39, 'PS512'],
  [-257, 'RS256'],
  [-258, 'RS384'],
  [-259, 'RS512'],
]);

/** comity's signature algorithms to the COSE identifier written when signing (the widely deployed ones, not ESP*). */
export const COSE_ALGORITHM_IDS: Readonly<Record<SignatureAlgorithm, number>> = Object.freeze({
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
});
