/**
 * CWT (RFC 8392) claim keys a Status List Token uses (§5.2). The COSE structure, its header
 * labels and algorithms are core's.
 *
 * @module
 */

/** CWT claim keys used by §5.2. */
export const CWT_CLAIM = { iss: 1, sub: 2, exp: 4, nbf: 5, iat: 6, ttl: 65534, statusList: 65533 } as const;
