/**
 * Multikey / did:key public keys: base58btc multibase, multicodec prefixes, and SEC 1
 * point decompression for P-256 and P-384 in BigInt arithmetic (browser-safe, no
 * dependency). Decompressed points are checked to lie on the curve.
 *
 * @module
 */
import { base64urlEncode, ComityError, type Jwk } from '@comity/core';

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B58.length; i++) B58_INDEX[B58.charCodeAt(i)] = i;

/** Largest multibase string accepted (a P-384 key needs 70 characters). */
const MAX_MULTIBASE_LENGTH = 128;

/** Strict base58btc (Bitcoin alphabet). @throws ComityError `ERR_SDJWT_DID_KEY_INVALID` */
export function base58btcDecode(text: string): Uint8Array {
  if (text.length === 0 || text.length > MAX_MULTIBASE_LENGTH) throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'multibase key has an invalid length');
  let value = 0n;
  let zeros = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? (B58_INDEX[c] as number) : -1;
    if (d < 0) throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'multibase key is not valid base58btc');
    if (leading && d === 0) zeros++;
    else leading = false;
    value = value * 58n + BigInt(d);
  }
  const body: number[] = [];
  while (value > 0n) {
    body.push(Number(value & 0xffn));
    value >>= 8n;
  }
  const out = new Uint8Array(zeros + body.length);
  for (let i = 0; i < body.length; i++) out[out.length - 1 - i] = body[i] as number;
  return out;
}

interface Curve {
  readonly crv: 'P-256' | 'P-384';
  readonly size: number;
  readonly p: bigint;
  readonly b: bigint;
}

const P256: Curve = {
  crv: 'P-256',
  size: 32,
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
};
const P384: Curve = {
  crv: 'P-384',
  size: 48,
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
  b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
};

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = base % m;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const byte of bytes) v = (v << 8n) | BigInt(byte);
  return v;
}

function toBytes(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = v;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/**
 * Decompresses a SEC 1 compressed point (`02|03 || x`) on a short-Weierstrass curve with
 * a = -3 and p ≡ 3 (mod 4), returning the JWK.
 *
 * @throws ComityError `ERR_SDJWT_DID_KEY_INVALID`
 */
export function decompressPoint(curve: Curve, point: Uint8Array): Jwk {
  const prefix = point[0];
  if (point.length !== curve.size + 1 || (prefix !== 2 && prefix !== 3)) {
    throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'compressed EC point has the wrong form');
  }
  const { p, b } = curve;
  const x = toBigInt(point.subarray(1));
  if (x >= p) throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'compressed EC point is out of range');
  const rhs = (((x * x * x - 3n * x + b) % p) + p) % p;
  let y = modPow(rhs, (p + 1n) / 4n, p);
  if ((y * y) % p !== rhs) throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'compressed EC point is not on the curve');
  if ((y & 1n) !== BigInt(prefix & 1)) y = p - y;
  return { kty: 'EC', crv: curve.crv, x: base64urlEncode(toBytes(x, curve.size)), y: base64urlEncode(toBytes(y, curve.size)) };
}

/** Exposed for tests: the curves this module decompresses. */
export const CURVES = { 'P-256': P256, 'P-384': P384 } as const;

/**
 * Decodes a Multikey `publicKeyMultibase` / did:key method-specific id: `z` + base58btc
 * of a multicodec-prefixed public key. Supported: Ed25519 (0xed), P-256 (0x1200) and
 * P-384 (0x1201) compressed points.
 *
 * @throws ComityError `ERR_SDJWT_DID_KEY_INVALID`, `ERR_SDJWT_DID_KEY_UNSUPPORTED`
 */
export function decodeMultikey(multibase: string): Jwk {
  if (typeof multibase !== 'string' || !multibase.startsWith('z')) {
    throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'multibase key must use base58btc ("z")');
  }
  const bytes = base58btcDecode(multibase.slice(1));
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xed && b1 === 0x01) {
    if (bytes.length !== 34) throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'Ed25519 multikey has the wrong length');
    return { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(bytes.subarray(2)) };
  }
  if (b0 === 0x80 && b1 === 0x24) return decompressPoint(P256, bytes.subarray(2));
  if (b0 === 0x81 && b1 === 0x24) return decompressPoint(P384, bytes.subarray(2));
  if (b0 === undefined || b1 === undefined) throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'multikey is too short');
  throw new ComityError('ERR_SDJWT_DID_KEY_UNSUPPORTED', 'multikey type is not supported', {
    details: { multicodec: b0 < 0x80 ? b0 : ((b1 & 0x7f) << 7) | (b0 & 0x7f) },
  });
}
