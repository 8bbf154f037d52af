/**
 * Strict decoders for untrusted text: base64url without padding or stray characters,
 * fatal UTF-8, bounded JSON that accepts only plain objects where objects are expected.
 *
 * @module
 */
import { ComityError } from './errors.js';

const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE_TABLE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL_ALPHABET.length; i++) DECODE_TABLE[B64URL_ALPHABET.charCodeAt(i)] = i;

const hasBuffer = typeof globalThis.Buffer === 'function';
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes as base64url without padding (RFC 4648 §5). */
export function base64urlEncode(bytes: Uint8Array): string {
  if (hasBuffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i] as number);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Encodes a string's UTF-8 bytes as base64url. */
export function base64urlEncodeText(text: string): string {
  // Buffer encodes the string in one native call: no TextEncoder array, no view over it.
  if (hasBuffer) return Buffer.from(text, 'utf8').toString('base64url');
  return base64urlEncode(utf8Encode(text));
}

/**
 * Decodes strict base64url: only the URL-safe alphabet, no padding, no whitespace, and
 * canonical trailing bits (so one byte string has exactly one encoding).
 *
 * @throws ComityError `ERR_ENCODING_BASE64URL`
 */
export function base64urlDecode(text: string, what = 'value'): Uint8Array {
  if (hasBuffer) {
    const b = canonicalBase64urlBuffer(text);
    if (b === undefined) throw new ComityError('ERR_ENCODING_BASE64URL', `${what} is not valid base64url`);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const n = text.length;
  if (!isBase64url(text)) throw new ComityError('ERR_ENCODING_BASE64URL', `${what} is not valid base64url`);
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const a = DECODE_TABLE[text.charCodeAt(i)] as number;
    const b = DECODE_TABLE[text.charCodeAt(i + 1)] as number;
    const c = i + 2 < n ? (DECODE_TABLE[text.charCodeAt(i + 2)] as number) : 0;
    const d = i + 3 < n ? (DECODE_TABLE[text.charCodeAt(i + 3)] as number) : 0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = (v >> 16) & 0xff;
    if (i + 2 < n) out[o++] = (v >> 8) & 0xff;
    if (i + 3 < n) out[o++] = v & 0xff;
  }
  return out;
}

/**
 * Node's decoder is lenient (it skips stray characters, accepts `+/=` and non-canonical
 * trailing bits), but its encoder is canonical: a string is canonical unpadded base64url
 * exactly when re-encoding what it decodes to gives the string back. Decoding, re-encoding
 * and one comparison cost about half of a regular-expression scan of the input alone.
 */
function canonicalBase64urlBuffer(text: string): Buffer | undefined {
  const b = Buffer.from(text, 'base64url');
  return b.toString('base64url') === text ? b : undefined;
}

/**
 * True for canonical unpadded base64url: the URL-safe alphabet only, a length that is not
 * 1 mod 4, and zero unused low bits in the last character (one byte string, one encoding).
 */
function isBase64url(text: string): boolean {
  const rem = text.length % 4;
  if (rem === 1 || !BASE64URL_RE.test(text)) return false;
  if (rem === 0) return true;
  const last = DECODE_TABLE[text.charCodeAt(text.length - 1)] as number;
  return (last & (rem === 2 ? 0x0f : 0x03)) === 0;
}

const encoder = new TextEncoder();
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Bytes of a string known to be ASCII (base64url segments, `~` separators): faster than a
 * UTF-8 encoder on the hot path. Non-ASCII input is refused.
 *
 * @throws ComityError `ERR_ENCODING_ASCII`
 */
export function asciiEncode(text: string): Uint8Array {
  if (!ASCII_RE.test(text)) throw new ComityError('ERR_ENCODING_ASCII', 'text is not ASCII');
  if (hasBuffer) {
    const b = Buffer.from(text, 'latin1');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  return encoder.encode(text);
}

/**
 * Bytes of text the caller has already validated as ASCII (e.g. segments that passed
 * {@link base64urlDecode}); no check, for the hot path. Use {@link asciiEncode} otherwise.
 */
export function validatedAsciiBytes(text: string): Uint8Array {
  if (hasBuffer) {
    const b = Buffer.from(text, 'latin1');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  return encoder.encode(text);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const ASCII_RE = /^[\x00-\x7f]*$/;

/** UTF-8 encodes a string. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Decodes UTF-8 fatally: invalid sequences are an error, never U+FFFD.
 *
 * @throws ComityError `ERR_ENCODING_UTF8`
 */
export function utf8Decode(bytes: Uint8Array, what = 'value'): string {
  try {
    return fatalDecoder.decode(bytes);
  } catch (cause) {
    throw new ComityError('ERR_ENCODING_UTF8', `${what} is not valid UTF-8`, { cause });
  }
}

/** A JSON object with a plain prototype. */
export type JsonObject = { [key: string]: JsonValue };
/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** True for a plain (JSON-like) object: not null, not an array, not a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Default upper bound on JSON text size read from untrusted input (1 MiB). */
export const DEFAULT_MAX_JSON_BYTES = 1 << 20;

/**
 * Parses JSON text from untrusted input; `__proto__` keys are refused (prototype poisoning),
 * written plainly or with `\u` escapes.
 *
 * @throws ComityError `ERR_ENCODING_JSON`
 */
export function parseJson(text: string, what = 'value', maxLength = DEFAULT_MAX_JSON_BYTES): JsonValue {
  if (text.length > maxLength) throw new ComityError('ERR_ENCODING_JSON', `${what} exceeds the size limit`);
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (cause) {
    throw new ComityError('ERR_ENCODING_JSON', `${what} is not valid JSON`, { cause: stripCause(cause) });
  }
  // A `__proto__` key is in the text either as is or with an escape (`"\u005f_proto__"` parses
  // to the same own key): only then walk the value. One more native substring scan, no walk for
  // the usual token without escapes.
  if (text.includes('"__proto__"') || text.includes('\\u')) assertNoProtoKeys(value, what);
  return value;
}

/** Parses JSON that must be an object. @throws ComityError `ERR_ENCODING_JSON` */
export function parseJsonObject(text: string, what = 'value', maxLength = DEFAULT_MAX_JSON_BYTES): JsonObject {
  const value = parseJson(text, what, maxLength);
  if (!isPlainObject(value)) throw new ComityError('ERR_ENCODING_JSON', `${what} is not a JSON object`);
  return value as JsonObject;
}

/**
 * Decodes strict base64url (as {@link base64urlDecode}) holding fatal UTF-8 (as {@link utf8Decode}) to text.
 *
 * @throws ComityError `ERR_ENCODING_BASE64URL`, `ERR_ENCODING_UTF8`
 */
export function base64urlDecodeUtf8(text: string, what = 'value'): string {
  if (!hasBuffer) return utf8Decode(base64urlDecode(text, what), what);
  // On Node the Buffer goes straight to the decoder: no Uint8Array view per segment (a JWS
  // verification decodes many small ones, and the allocations showed in the benchmark).
  const bytes = canonicalBase64urlBuffer(text);
  if (bytes === undefined) throw new ComityError('ERR_ENCODING_BASE64URL', `${what} is not valid base64url`);
  return utf8Decode(bytes, what);
}

/** Decodes a base64url segment holding a UTF-8 JSON object (a JWS header or payload). */
export function decodeJsonSegment(segment: string, what: string): JsonObject {
  return parseJsonObject(base64urlDecodeUtf8(segment, what), what);
}

// Iterative: JSON.parse accepts nesting hundreds of thousands deep within the size limit, and a
// recursive walk of that threw a raw RangeError (stack overflow) instead of a ComityError.
function assertNoProtoKeys(root: JsonValue, what: string): void {
  const stack: JsonValue[] = [root];
  for (let value = stack.pop(); value !== undefined; value = stack.pop()) {
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const v of value) if (v !== null && typeof v === 'object') stack.push(v);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') throw new ComityError('ERR_ENCODING_JSON', `${what} contains a forbidden "__proto__" member`);
      const v = value[key] as JsonValue;
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
}

// JSON.parse messages quote the input; keep the error type only.
function stripCause(cause: unknown): Error {
  return new Error(cause instanceof Error ? cause.name : 'JSON parse error');
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  // A table for short inputs (key ids, digests), Node's native encoder for longer ones (names):
  // a trust list hexes thousands of both, and the old per-byte toString showed in its load time.
  if (hasBuffer && bytes.length > 48) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_BYTE[bytes[i] as number];
  return s;
}

/** Strict hex decoding (even length, hex digits only, case-insensitive). @throws ComityError `ERR_ENCODING_HEX` */
export function fromHex(hex: string, what = 'value'): Uint8Array {
  const clean = hex.trim();
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new ComityError('ERR_ENCODING_HEX', `${what} is not valid hex`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Constant-time-ish equality of two byte arrays (length leaks, content does not). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Concatenates byte arrays into a new one (a list, not spread arguments: lists may be long). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// With a length that is a multiple of 4, the same language as /^(?:[A-Za-z0-9+/]{4})*(?:..==|...=)?$/, and a flat class scans faster.
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encodes bytes as standard base64 with padding (as in `x5c`). */
export function base64Encode(bytes: Uint8Array): string {
  if (hasBuffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i] as number);
  return btoa(bin);
}

/**
 * Decodes strict standard base64 with padding (no whitespace, no URL-safe characters).
 *
 * @throws ComityError `ERR_ENCODING_BASE64`
 */
export function base64Decode(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64_RE.test(text)) throw new ComityError('ERR_ENCODING_BASE64', `${what} is not valid base64`);
  if (hasBuffer) {
    const b = Buffer.from(text, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
