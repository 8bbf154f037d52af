import {
  asciiEncode,
  base64urlDecode,
  base64urlEncode,
  ComityError,
  type CryptoProvider,
  type HashAlgorithm,
  parseJson,
  utf8Decode,
  validatedAsciiBytes,
} from '@comity/core';

/** One disclosure as received, with its digest. */
export interface Disclosure {
  /** The base64url string exactly as received: the digest is over these ASCII bytes. */
  readonly encoded: string;
  readonly digest: string;
  readonly salt: string;
  /** Claim name for an object property disclosure; undefined for an array element disclosure. */
  readonly name: string | undefined;
  readonly value: unknown;
}

/** The hash algorithms comity accepts for `_sd_alg`; truncated variants are never "secure". */
export const SD_HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha-256', 'sha-384', 'sha-512'];

/** Digest of a disclosure: hash over the ASCII of its base64url string, base64url-encoded (RFC 9901 §4.2.3). */
export async function digestOf(encoded: string, alg: HashAlgorithm, crypto: CryptoProvider): Promise<string> {
  return base64urlEncode(await crypto.digest(alg, asciiEncode(encoded)));
}

/** {@link digestOf} for a string already validated as base64url. */
async function digestOfValidated(encoded: string, alg: HashAlgorithm, crypto: CryptoProvider): Promise<string> {
  return base64urlEncode(await crypto.digest(alg, validatedAsciiBytes(encoded)));
}

/**
 * Decodes one disclosure strictly: base64url, UTF-8, a JSON array of 2 or 3 elements
 * with a string salt and (for 3) a string claim name.
 *
 * @throws ComityError `ERR_SDJWT_DISCLOSURE_MALFORMED`
 */
export async function parseDisclosure(encoded: string, alg: HashAlgorithm, crypto: CryptoProvider, index: number): Promise<Disclosure> {
  let value: unknown;
  try {
    value = parseJson(utf8Decode(base64urlDecode(encoded, 'disclosure'), 'disclosure'), 'disclosure');
  } catch (cause) {
    throw new ComityError('ERR_SDJWT_DISCLOSURE_MALFORMED', 'disclosure is not base64url-encoded UTF-8 JSON', { cause, details: { index } });
  }
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) {
    throw new ComityError('ERR_SDJWT_DISCLOSURE_MALFORMED', 'disclosure is not an array of 2 or 3 elements', { details: { index } });
  }
  const [salt, a, b] = value as unknown[];
  if (typeof salt !== 'string') throw new ComityError('ERR_SDJWT_DISCLOSURE_MALFORMED', 'disclosure salt is not a string', { details: { index } });
  if (value.length === 3 && typeof a !== 'string')
    throw new ComityError('ERR_SDJWT_DISCLOSURE_MALFORMED', 'disclosure claim name is not a string', { details: { index } });
  // base64urlDecode above validated the alphabet: no second ASCII check.
  const digest = await digestOfValidated(encoded, alg, crypto);
  return value.length === 3 ? { encoded, digest, salt, name: a as string, value: b } : { encoded, digest, salt, name: undefined, value: a };
}
