import { base64urlDecode, ComityError, type DecodedJws, type JsonObject, parseJsonObject, utf8Decode, utf8Encode } from '@comity/core';

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_HEADER_CHARS = Math.ceil((MAX_HEADER_BYTES * 4) / 3);

/**
 * Compact JWS decode for trust lists, which exceed core's 1 MiB JSON limit (a 1,000-entity
 * LoTE is ~1.6 MB). Same form checks as core's decodeCompactJws, with a 16 MiB limit.
 */
export function decodeListJws(token: string, what: string, codePrefix: string, maxBytes = 16 * 1024 * 1024): DecodedJws {
  // Bounded before any decoding, as textOf bounds a list: the caller may not have (inspectTrustFile).
  if (token.length > maxBytes) throw new ComityError(`${codePrefix}_TOO_LARGE`, `${what} is too large`);
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) !== -1) throw new ComityError(`${codePrefix}_MALFORMED`, `${what} is not a compact JWS`);
  const segments = [token.slice(0, first), token.slice(first + 1, second), token.slice(second + 1)] as const;
  // The header is at most 64 KiB of JSON: a longer segment is refused before it is decoded.
  if (segments[0].length > MAX_HEADER_CHARS) throw new ComityError(`${codePrefix}_MALFORMED`, `${what} header is too large`);
  let header: JsonObject;
  let payload: JsonObject;
  let signature: Uint8Array;
  try {
    header = parseJsonObject(utf8Decode(base64urlDecode(segments[0], `${what} header`), `${what} header`), `${what} header`, MAX_HEADER_BYTES);
    payload = parseJsonObject(utf8Decode(base64urlDecode(segments[1], `${what} payload`), `${what} payload`), `${what} payload`, maxBytes);
    signature = base64urlDecode(segments[2], `${what} signature`);
  } catch (cause) {
    throw new ComityError(`${codePrefix}_MALFORMED`, `${what} is malformed`, {
      cause,
      details: { reason: cause instanceof ComityError ? cause.code : 'ERR_ENCODING_JSON' },
    });
  }
  if (typeof header.alg !== 'string') throw new ComityError(`${codePrefix}_MALFORMED`, `${what} header lacks "alg"`);
  if (header.crit !== undefined) throw new ComityError(`${codePrefix}_CRIT_UNSUPPORTED`, `${what} has critical header parameters comity does not process`);
  return { header, payload, signingInput: utf8Encode(`${segments[0]}.${segments[1]}`), signature, segments };
}
