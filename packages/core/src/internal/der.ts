/**
 * The little DER the certificate code needs beside the ASN.1 schema library: ECDSA
 * signature conversion between DER (X.509) and raw `r || s` (the crypto provider's form),
 * the length check a schema parse skips, and the validity times read from the signed bytes
 * (the schema library turns a malformed time into a date instead of refusing it).
 */
import { ComityError } from '../errors.js';

function readLength(bytes: Uint8Array, at: number): { length: number; next: number } {
  const first = bytes[at];
  if (first === undefined) throw new ComityError('ERR_X509_PARSE', 'truncated DER');
  if (first < 0x80) return { length: first, next: at + 1 };
  const n = first & 0x7f;
  if (n === 0 || n > 3) throw new ComityError('ERR_X509_PARSE', 'unsupported DER length');
  let length = 0;
  for (let i = 1; i <= n; i++) {
    const b = bytes[at + i];
    if (b === undefined) throw new ComityError('ERR_X509_PARSE', 'truncated DER');
    length = (length << 8) | b;
  }
  return { length, next: at + 1 + n };
}

/**
 * True when `bytes` is exactly one DER item: a definite length in its shortest form (X.690
 * §10.1) and no trailing bytes, both of which a schema parse (BER) lets through.
 */
export function isSingleDerItem(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  try {
    const { length, next } = readLength(bytes, 1);
    // Long form only for 128 or more, and without leading zero octets.
    if (next > 2 && (bytes[2] === 0 || length < 0x80)) return false;
    return next + length === bytes.length;
  } catch {
    return false;
  }
}

/** One TLV with a single-byte tag: its tag and the bounds of its contents. */
function readTlv(bytes: Uint8Array, at: number): { tag: number; start: number; end: number } {
  const tag = bytes[at];
  if (tag === undefined || (tag & 0x1f) === 0x1f) throw new ComityError('ERR_X509_PARSE', 'truncated DER or unsupported tag');
  const { length, next } = readLength(bytes, at + 1);
  if (next + length > bytes.length) throw new ComityError('ERR_X509_PARSE', 'truncated DER');
  return { tag, start: next, end: next + length };
}

const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const UTC_FORM = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_FORM = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A validity Time in the only forms RFC 5280 §4.1.2.5 allows: UTCTime `YYMMDDHHMMSSZ`
 * (YY below 50 is 20YY) and GeneralizedTime `YYYYMMDDHHMMSSZ`, every field in range.
 * GeneralizedTime for a year before 2050 is accepted although §4.1.2.5 says CAs MUST use
 * UTCTime there: real CAs issue such certificates, the time is unambiguous, and OpenSSL and
 * Go accept it.
 */
function parseTime(bytes: Uint8Array, at: number): { time: Date; next: number } {
  const { tag, start, end } = readTlv(bytes, at);
  // Both forms are 13 or 15 characters: anything longer is refused before it becomes a string.
  if (end - start > 15) throw new ComityError('ERR_X509_PARSE', 'certificate validity time is not a UTCTime or GeneralizedTime of the RFC 5280 form');
  const text = String.fromCharCode(...bytes.subarray(start, end));
  const m = tag === UTC_TIME ? UTC_FORM.exec(text) : tag === GENERALIZED_TIME ? GENERALIZED_FORM.exec(text) : null;
  if (m === null) throw new ComityError('ERR_X509_PARSE', 'certificate validity time is not a UTCTime or GeneralizedTime of the RFC 5280 form');
  const [first, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const year = tag === GENERALIZED_TIME ? first : first < 50 ? 2000 + first : 1900 + first;
  const monthDays = (MONTH_DAYS[month - 1] ?? 0) + (month === 2 && isLeapYear(year) ? 1 : 0);
  if (day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59)
    throw new ComityError('ERR_X509_PARSE', 'certificate validity time is out of range');
  // setUTCFullYear: Date.UTC reads years 0-99 as 1900-1999.
  const time = new Date(0);
  time.setUTCFullYear(year, month - 1, day);
  time.setUTCHours(hour, minute, second, 0);
  return { time, next: end };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * notBefore and notAfter of a DER TBSCertificate, read from the bytes as signed.
 *
 * @throws ComityError `ERR_X509_PARSE` for a time that is not of the RFC 5280 §4.1.2.5 form
 */
export function validityTimes(tbs: Uint8Array): { notBefore: Date; notAfter: Date } {
  const outer = readTlv(tbs, 0);
  if (outer.tag !== 0x30) throw new ComityError('ERR_X509_PARSE', 'TBSCertificate is not a SEQUENCE');
  let at = outer.start;
  if (tbs[at] === 0xa0) at = readTlv(tbs, at).end; // version
  for (const tag of [0x02, 0x30, 0x30]) {
    // serialNumber, signature, issuer
    const item = readTlv(tbs, at);
    if (item.tag !== tag) throw new ComityError('ERR_X509_PARSE', 'TBSCertificate fields are out of order');
    at = item.end;
  }
  const validity = readTlv(tbs, at);
  if (validity.tag !== 0x30 || validity.end > outer.end) throw new ComityError('ERR_X509_PARSE', 'TBSCertificate validity is not a SEQUENCE');
  const notBefore = parseTime(tbs, validity.start);
  const notAfter = parseTime(tbs, notBefore.next);
  if (notAfter.next !== validity.end) throw new ComityError('ERR_X509_PARSE', 'TBSCertificate validity has extra fields');
  return { notBefore: notBefore.time, notAfter: notAfter.time };
}

/**
 * The unsigned value of a DER INTEGER's contents (X.690 §8.3), big-endian: drops the one 0x00
 * octet that keeps a value with its top bit set positive, and nothing else, so a non-minimal
 * encoding keeps its extra zero octets for the caller's minimal-integer check to refuse.
 * `undefined` for an empty or a negative integer.
 */
export function derUnsignedInteger(content: Uint8Array): Uint8Array | undefined {
  if (content.length === 0 || ((content[0] as number) & 0x80) !== 0) return undefined;
  return content.length > 1 && content[0] === 0 && ((content[1] as number) & 0x80) !== 0 ? content.subarray(1) : content;
}

function readInteger(bytes: Uint8Array, at: number): { value: Uint8Array; next: number } {
  if (bytes[at] !== 0x02) throw new ComityError('ERR_X509_SIGNATURE_INVALID', 'ECDSA signature is not DER');
  const { length, next } = readLength(bytes, at + 1);
  if (length === 0 || next + length > bytes.length) throw new ComityError('ERR_X509_SIGNATURE_INVALID', 'ECDSA signature is not DER');
  let value = bytes.subarray(next, next + length);
  while (value.length > 1 && value[0] === 0) value = value.subarray(1);
  return { value, next: next + length };
}

/** DER `SEQUENCE { r INTEGER, s INTEGER }` to raw `r || s` of `size`-byte halves. @throws ComityError `ERR_X509_SIGNATURE_INVALID` */
export function derToRawEcdsa(der: Uint8Array, size: number): Uint8Array {
  if (der[0] !== 0x30) throw new ComityError('ERR_X509_SIGNATURE_INVALID', 'ECDSA signature is not DER');
  const { length, next } = readLength(der, 1);
  if (next + length !== der.length) throw new ComityError('ERR_X509_SIGNATURE_INVALID', 'ECDSA signature is not DER');
  const r = readInteger(der, next);
  const s = readInteger(der, r.next);
  if (s.next !== der.length || r.value.length > size || s.value.length > size)
    throw new ComityError('ERR_X509_SIGNATURE_INVALID', 'ECDSA signature is not DER');
  const out = new Uint8Array(2 * size);
  out.set(r.value, size - r.value.length);
  out.set(s.value, 2 * size - s.value.length);
  return out;
}

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}

function encodeInteger(unsigned: Uint8Array): number[] {
  let v = unsigned;
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  const body = (v[0] as number) & 0x80 ? [0, ...v] : [...v];
  return [0x02, ...encodeLength(body.length), ...body];
}

/** Raw `r || s` to DER `SEQUENCE { r INTEGER, s INTEGER }`. */
export function rawToDerEcdsa(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const body = [...encodeInteger(raw.subarray(0, half)), ...encodeInteger(raw.subarray(half))];
  return new Uint8Array([0x30, ...encodeLength(body.length), ...body]);
}
