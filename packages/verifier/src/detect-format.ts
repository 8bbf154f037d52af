import { base64urlDecode, ComityError, decodeJsonSegment, fromHex, utf8Decode } from '@comity/core';
import { parseSdJwtJson, SD_JWT_VC_TYPES, typMatches } from '@comity/sd-jwt-vc';

/** Credential formats the verifier understands. */
export type CredentialFormat = 'sd-jwt' | 'dc+sd-jwt' | 'mso_mdoc';

/** First bytes of text given as bytes ('e', '{', space, tab, LF, CR): never the first byte of a CBOR map. */
const SD_JWT_FIRST_BYTES = new Set([0x65, 0x7b, 0x20, 0x09, 0x0a, 0x0d]);

/** True when the protected header of the compact JWS `jwt` has an SD-JWT VC `typ`. */
function vcTyp(jwt: string): boolean {
  try {
    return typMatches(decodeJsonSegment(jwt.slice(0, jwt.indexOf('.')), 'issuer-signed JWT header').typ, SD_JWT_VC_TYPES);
  } catch {
    return false;
  }
}

/**
 * Tells the format of a presentation from its form: an SD-JWT (compact with `~`, or a JWS
 * JSON Serialization object) is an SD-JWT VC when its header `typ` says so; hex or base64url CBOR is an mdoc DeviceResponse.
 *
 * @example
 * ```ts
 * detectFormat('eyJ...~WyJ...~'); // 'dc+sd-jwt'
 * ```
 * @throws ComityError `ERR_FORMAT_UNKNOWN`; `ERR_ENCODING_UTF8` for bytes that start as text and are not UTF-8
 */
export function detectFormat(input: string | Uint8Array): CredentialFormat {
  if (input instanceof Uint8Array) {
    // A DeviceResponse is a CBOR map (major type 5). An SD-JWT received as bytes (an HTTP body)
    // starts with 'e' (a base64url JSON header), '{' (JSON Serialization) or white space, which
    // in CBOR would be a text string or a small integer: no DeviceResponse starts that way.
    if (!SD_JWT_FIRST_BYTES.has(input[0] ?? 0)) return 'mso_mdoc';
    return detectFormat(utf8Decode(input, 'the presentation'));
  }
  const text = input.trim();
  if (text.startsWith('{')) {
    // An SD-JWT in the JWS JSON Serialization (RFC 9901 §8). Only the signature that verifies is
    // the issuer's: the holder may put any entry in front of it (and its KB-JWT's sd_hash over
    // that one). So any signature whose protected header says SD-JWT VC makes it one: a leading
    // plain (or undecodable) header used to pick the plain rules, skipping vct, cnf and Type Metadata.
    let signed: readonly { jwt: string }[];
    try {
      signed = parseSdJwtJson(text).signed;
    } catch {
      return 'sd-jwt';
    }
    return signed.some(({ jwt }) => vcTyp(jwt)) ? 'dc+sd-jwt' : 'sd-jwt';
  }
  if (text.includes('~')) return vcTyp(text) ? 'dc+sd-jwt' : 'sd-jwt';
  if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) return 'mso_mdoc';
  if (/^[A-Za-z0-9_-]+$/.test(text)) return 'mso_mdoc';
  throw new ComityError('ERR_FORMAT_UNKNOWN', 'the presentation is neither an SD-JWT nor an mdoc DeviceResponse');
}

/** Decodes an mdoc DeviceResponse given as hex or base64url text. @throws ComityError `ERR_FORMAT_UNKNOWN` */
export function mdocBytes(input: string | Uint8Array): Uint8Array {
  // Bytes that detectFormat reads as text are text here too (hex or base64url sent as a body).
  if (input instanceof Uint8Array && !SD_JWT_FIRST_BYTES.has(input[0] ?? 0)) return input;
  try {
    const text = (typeof input === 'string' ? input : utf8Decode(input, 'the presentation')).trim();
    if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) return fromHex(text);
    return base64urlDecode(text, 'DeviceResponse');
  } catch (cause) {
    throw new ComityError('ERR_FORMAT_UNKNOWN', 'the mdoc DeviceResponse is neither hex nor base64url', { cause });
  }
}
