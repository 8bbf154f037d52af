/**
 * Compact JWS (RFC 7515) decode, verify and sign, on the crypto provider. The policy
 * (allowed algorithms) always comes from the caller, never from the header.
 *
 * @module
 */

import { type CryptoProvider, isSignatureAlgorithm, type SignatureAlgorithm, type Signer } from './crypto/types.js';
import { base64urlDecode, base64urlEncode, decodeJsonSegment, type JsonObject, utf8Encode, validatedAsciiBytes } from './encoding.js';
import { ComityError } from './errors.js';
import type { Jwk } from './jwk.js';

/** A compact JWS split and decoded, with the exact received segments kept. */
export interface DecodedJws {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  /** ASCII bytes of `header.payload` as received: what the signature covers. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
  readonly segments: readonly [string, string, string];
}

/**
 * Longest compact JWS {@link decodeCompactJws} reads, in UTF-16 code units (2 MiB). The bound
 * is checked before any scan, split or decode: without it a hostile token of any length was
 * searched for dots and its segments base64url-decoded in full before the 1 MiB JSON limit
 * (`DEFAULT_MAX_JSON_BYTES`) of the decoded text refused it. Generous on purpose: a payload
 * of 1 MiB of ASCII JSON (base64url: 1.37 MiB) with a large header and a 16384-bit RSA
 * signature fits. Larger documents (trust lists) have their own decoder with its own limit.
 */
export const MAX_COMPACT_JWS_LENGTH = 2 * 1024 * 1024;

/**
 * Splits and decodes a compact JWS whose payload is a JSON object. Checks only the form:
 * at most {@link MAX_COMPACT_JWS_LENGTH} characters, three segments, strict base64url, UTF-8
 * JSON objects, a string `alg`, no `crit`.
 *
 * @throws ComityError `<prefix>_MALFORMED` (also for a token over the size limit, `details.reason`
 * `TOO_LARGE`), `<prefix>_CRIT_UNSUPPORTED`
 */
export function decodeCompactJws(token: string, what = 'JWS', codePrefix = 'ERR_JWS'): DecodedJws {
  if (typeof token !== 'string') throw new ComityError(`${codePrefix}_MALFORMED`, `${what} is not a string`);
  if (token.length > MAX_COMPACT_JWS_LENGTH) {
    throw new ComityError(`${codePrefix}_MALFORMED`, `${what} exceeds the size limit`, { details: { reason: 'TOO_LARGE', limit: MAX_COMPACT_JWS_LENGTH } });
  }
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) !== -1) {
    throw new ComityError(`${codePrefix}_MALFORMED`, `${what} is not a compact JWS`);
  }
  const segments = [token.slice(0, first), token.slice(first + 1, second), token.slice(second + 1)] as const;
  let header: JsonObject;
  let payload: JsonObject;
  let signature: Uint8Array;
  try {
    // Constant names for the inner errors (kept only as the cause): no strings built per call.
    header = decodeJsonSegment(segments[0], 'JWS header');
    payload = decodeJsonSegment(segments[1], 'JWS payload');
    signature = base64urlDecode(segments[2], 'JWS signature');
  } catch (cause) {
    const code = cause instanceof ComityError ? cause.code : 'ERR_ENCODING_JSON';
    throw new ComityError(`${codePrefix}_MALFORMED`, `${what} is malformed`, { cause, details: { reason: code } });
  }
  if (typeof header.alg !== 'string') throw new ComityError(`${codePrefix}_MALFORMED`, `${what} header lacks "alg"`);
  if (header.crit !== undefined) throw new ComityError(`${codePrefix}_CRIT_UNSUPPORTED`, `${what} has critical header parameters comity does not process`);
  // Both segments decoded as base64url: the signing input is ASCII, taken as received.
  return { header, payload, signingInput: validatedAsciiBytes(token.slice(0, second)), signature, segments };
}

/**
 * Checks the header `alg` against the caller's allow-list. `none` and HMAC are refused
 * whatever the list says.
 *
 * @throws ComityError `<prefix>_ALG_NOT_ALLOWED`
 */
export function checkAlgorithm(alg: unknown, allowed: readonly SignatureAlgorithm[], what = 'JWS', codePrefix = 'ERR_JWS'): SignatureAlgorithm {
  if (!isSignatureAlgorithm(alg) || !allowed.includes(alg)) {
    throw new ComityError(`${codePrefix}_ALG_NOT_ALLOWED`, `${what} algorithm is not allowed`, {
      details: { alg: typeof alg === 'string' ? alg.slice(0, 16) : typeof alg },
    });
  }
  return alg;
}

/**
 * Verifies a decoded JWS's signature with `key` after the allow-list check.
 *
 * @throws ComityError `<prefix>_ALG_NOT_ALLOWED`, `<prefix>_SIGNATURE_INVALID`, `ERR_KEY_*`
 */
export async function verifyJwsSignature(
  jws: DecodedJws,
  key: Jwk,
  options: { algorithms: readonly SignatureAlgorithm[]; crypto: CryptoProvider; what?: string; codePrefix?: string },
): Promise<SignatureAlgorithm> {
  const what = options.what ?? 'JWS';
  const prefix = options.codePrefix ?? 'ERR_JWS';
  const alg = checkAlgorithm(jws.header.alg, options.algorithms, what, prefix);
  let ok: boolean;
  try {
    ok = await options.crypto.verify(alg, key, jws.signingInput, jws.signature);
  } catch (cause) {
    if (cause instanceof ComityError && cause.code === 'ERR_KEY_ALG_MISMATCH') {
      throw new ComityError(`${prefix}_SIGNATURE_INVALID`, `${what} key does not match its algorithm`, { cause });
    }
    throw cause;
  }
  if (!ok) throw new ComityError(`${prefix}_SIGNATURE_INVALID`, `${what} signature is invalid`);
  return alg;
}

/**
 * Signs a compact JWS. `header.alg` is set from the signer, whatever `header` holds.
 *
 * @example
 * ```ts
 * const jws = await signCompactJws({ typ: 'JWT' }, { iss: 'https://issuer.example' }, signer);
 * ```
 */
export async function signCompactJws(header: Record<string, unknown>, payload: Record<string, unknown>, signer: Signer): Promise<string> {
  // `alg` first (the usual order), then set again after the spread: a caller's `header.alg`
  // ("none", another algorithm) used to replace the signer's and mislabel the signature.
  const protectedHeader: Record<string, unknown> = { alg: signer.alg, ...header };
  protectedHeader.alg = signer.alg;
  const h = base64urlEncode(utf8Encode(JSON.stringify(protectedHeader)));
  const p = base64urlEncode(utf8Encode(JSON.stringify(payload)));
  const signature = await signer.sign(utf8Encode(`${h}.${p}`));
  return `${h}.${p}.${base64urlEncode(signature)}`;
}
