/**
 * Multikey / did:key public keys: base58btc multibase, multicodec prefixes, and SEC 1
 * point decompression for P-256 and P-384 through @noble/curves (audited, browser-safe;
 * the design card's curve library). Decompressed points are checked to lie on the curve.
 *
 * @module
 */
import { base64urlEncode, ComityError, type Jwk } from '@comity/core';
import { p256, p384 } from '@noble/curves/nist.js';

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

/** The Weierstrass curves did:key / Multikey keys may use here (compressed points). */
const CURVES_BY_NAME = { 'P-256': { curve: p256, size: 32 }, 'P-384': { curve: p384, size: 48 } } as const;
type CurveName = keyof typeof CURVES_BY_NAME;

/**
 * Decompresses a SEC 1 compressed point (`02|03 || x`) with @noble/curves, which checks
 * that the point is on the curve, and returns the JWK.
 *
 * @throws ComityError `ERR_SDJWT_DID_KEY_INVALID`
 */
export function decompressPoint(crv: CurveName, point: Uint8Array): Jwk {
  const { curve, size } = CURVES_BY_NAME[crv];
  if (point.length !== size + 1 || (point[0] !== 2 && point[0] !== 3)) {
    throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'compressed EC point has the wrong form');
  }
  let uncompressed: Uint8Array;
  try {
    uncompressed = curve.Point.fromBytes(point).toBytes(false);
  } catch (cause) {
    throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'compressed EC point is not on the curve', { cause });
  }
  return { kty: 'EC', crv, x: base64urlEncode(uncompressed.subarray(1, 1 + size)), y: base64urlEncode(uncompressed.subarray(1 + size)) };
}

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
  if (b0 === 0x80 && b1 === 0x24) return decompressPoint('P-256', bytes.subarray(2));
  if (b0 === 0x81 && b1 === 0x24) return decompressPoint('P-384', bytes.subarray(2));
  if (b0 === undefined || b1 === undefined) throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'multikey is too short');
  throw new ComityError('ERR_SDJWT_DID_KEY_UNSUPPORTED', 'multikey type is not supported', {
    details: { multicodec: b0 < 0x80 ? b0 : ((b1 & 0x7f) << 7) | (b0 & 0x7f) },
  });
}
