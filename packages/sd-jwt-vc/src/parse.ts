/**
 * Splitting the compact SD-JWT serialization (RFC 9901 §4): `<JWT>~<D1>~…~<Dn>~[<KB-JWT>]`.
 *
 * @module
 */
import { ComityError } from '@comity/core';

/** The parts of a compact SD-JWT, as received. */
export interface SdJwtParts {
  /** The issuer-signed JWT. */
  readonly jwt: string;
  /** Disclosure strings in received order. */
  readonly disclosures: readonly string[];
  /** The Key Binding JWT, or undefined when the last component is empty. */
  readonly kbJwt: string | undefined;
  /** `<JWT>~<D1>~…~<Dn>~`: the exact string `sd_hash` covers. */
  readonly sdJwtWithoutKb: string;
}

/** Largest SD-JWT accepted (bytes of text). */
export const MAX_SD_JWT_LENGTH = 1 << 20;
/** Most disclosures accepted in one SD-JWT. */
export const MAX_DISCLOSURES = 1000;

/**
 * Splits a compact SD-JWT or SD-JWT+KB. Each disclosure must be non-empty; the string
 * must contain at least one `~`.
 *
 * @example
 * ```ts
 * const { jwt, disclosures, kbJwt } = splitSdJwt(token);
 * ```
 * @throws ComityError `ERR_SDJWT_MALFORMED`
 * @see RFC 9901 §4
 */
export function splitSdJwt(token: string): SdJwtParts {
  if (typeof token !== 'string') throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT is not a string');
  if (token.length > MAX_SD_JWT_LENGTH) throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT exceeds the size limit');
  const parts = token.split('~');
  if (parts.length < 2) throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT has no "~" separator');
  if (parts.length - 2 > MAX_DISCLOSURES) throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT has too many disclosures');
  const jwt = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  const disclosures = parts.slice(1, -1);
  if (jwt === '') throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT has an empty issuer JWT');
  if (disclosures.some((d) => d === '')) throw new ComityError('ERR_SDJWT_MALFORMED', 'SD-JWT has an empty disclosure');
  return {
    jwt,
    disclosures,
    kbJwt: last === '' ? undefined : last,
    sdJwtWithoutKb: token.slice(0, token.length - last.length),
  };
}
