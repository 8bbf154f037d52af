/**
 * The little DER the certificate code needs beside the ASN.1 schema library: ECDSA
 * signature conversion between DER (X.509) and raw `r || s` (the crypto provider's form),
 * and the length check a schema parse skips.
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
