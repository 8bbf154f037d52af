import {
  asciiEncode,
  base64urlDecodeUtf8,
  base64urlEncode,
  ComityError,
  type CryptoProvider,
  type HashAlgorithm,
  parseJson,
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

/**
 * Decodes and digests the disclosures of one SD-JWT. Each is decoded strictly: base64url,
 * UTF-8, a JSON array of 2 or 3 elements with a string salt and (for 3) a string claim
 * name. Hashing is synchronous when the provider offers it: one promise for the whole set
 * instead of one per disclosure.
 *
 * @throws ComityError `ERR_SDJWT_DISCLOSURE_MALFORMED` (with the index of the first bad disclosure)
 */
export function parseDisclosures(encoded: readonly string[], alg: HashAlgorithm, crypto: CryptoProvider): Promise<Disclosure[]> {
  // Digests first, decoding second: a string that is not base64url (so not ASCII, where its
  // UTF-8 and ASCII bytes would differ) fails decoding, and its digest is never used.
  // Not `async`: on the synchronous path no async frame is allocated per verification.
  if (crypto.digestBase64urlSync !== undefined) {
    try {
      const digests: string[] = [];
      for (const e of encoded) digests.push(crypto.digestBase64urlSync(alg, e));
      return Promise.resolve(decodeAll(encoded, digests));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  return Promise.all(encoded.map(async (e) => base64urlEncode(await crypto.digest(alg, validatedAsciiBytes(e))))).then((digests) =>
    decodeAll(encoded, digests),
  );
}

function decodeAll(encoded: readonly string[], digests: readonly string[]): Disclosure[] {
  const out: Disclosure[] = [];
  for (let i = 0; i < encoded.length; i++) out.push(decodeDisclosure(encoded[i] as string, digests[i] as string, i));
  return out;
}

function decodeDisclosure(encoded: string, digest: string, index: number): Disclosure {
  let value: unknown;
  try {
    value = parseJson(base64urlDecodeUtf8(encoded, 'disclosure'), 'disclosure');
  } catch (cause) {
    throw new ComityError('ERR_SDJWT_DISCLOSURE_MALFORMED', 'disclosure is not base64url-encoded UTF-8 JSON', { cause, details: { index } });
  }
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) {
    throw new ComityError('ERR_SDJWT_DISCLOSURE_MALFORMED', 'disclosure is not an array of 2 or 3 elements', { details: { index } });
  }
  // Indexing, not destructuring: no iterator per disclosure.
  const salt: unknown = value[0];
  const a: unknown = value[1];
  if (typeof salt !== 'string') throw new ComityError('ERR_SDJWT_DISCLOSURE_MALFORMED', 'disclosure salt is not a string', { details: { index } });
  if (value.length === 3 && typeof a !== 'string')
    throw new ComityError('ERR_SDJWT_DISCLOSURE_MALFORMED', 'disclosure claim name is not a string', { details: { index } });
  // One object shape for both kinds keeps the later property reads monomorphic.
  return { encoded, digest, salt, name: value.length === 3 ? (a as string) : undefined, value: value.length === 3 ? value[2] : a };
}
