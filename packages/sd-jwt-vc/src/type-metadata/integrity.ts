/**
 * `#integrity` checks: W3C SRI integrity-metadata syntax with the SD-JWT VC verification
 * rule (strongest supported algorithm, base64 digests compared octet for octet).
 *
 * @module
 */
import { bytesEqual, ComityError, type CryptoProvider, type HashAlgorithm } from '@comity/core';
import { decodeStdBase64 } from '../issuer-key/internal/std-base64.js';

const ALGORITHMS: Readonly<Record<string, { hash: HashAlgorithm; strength: number; length: number }>> = {
  sha256: { hash: 'sha-256', strength: 1, length: 32 },
  sha384: { hash: 'sha-384', strength: 2, length: 48 },
  sha512: { hash: 'sha-512', strength: 3, length: 64 },
};

/** Longest integrity string accepted. */
const MAX_INTEGRITY_LENGTH = 4096;
const HASH_EXPRESSION = /^([A-Za-z0-9-]+)-([A-Za-z0-9+/]+={0,2})(\?[\x21-\x7e]*)?$/;

/**
 * Verifies `bytes` against an integrity metadata string such as
 * `sha256-vJKakJAQkDYkIhGrT1M3nxRuSj9udH0l1PXB06QHto8=`. Several space-separated hash
 * expressions may be given: those with the strongest supported algorithm (sha512 >
 * sha384 > sha256) are used, and any of them matching suffices. Digests are standard
 * base64 (padding optional, as the SRI grammar allows), never hex.
 *
 * @example
 * ```ts
 * await checkIntegrity(documentBytes, payload['vct#integrity'], ctx.crypto);
 * ```
 * @throws ComityError `ERR_SDJWT_VCT_INTEGRITY_MALFORMED`, `ERR_SDJWT_VCT_INTEGRITY_UNSUPPORTED`, `ERR_SDJWT_VCT_INTEGRITY_MISMATCH`
 * @see draft-ietf-oauth-sd-jwt-vc §6; W3C Subresource Integrity §3.1 (integrity metadata), §3.5
 */
export async function checkIntegrity(bytes: Uint8Array, integrity: string, crypto: CryptoProvider): Promise<void> {
  if (typeof integrity !== 'string' || integrity.length > MAX_INTEGRITY_LENGTH) {
    throw new ComityError('ERR_SDJWT_VCT_INTEGRITY_MALFORMED', 'integrity metadata is not a string of acceptable length');
  }
  const tokens = integrity.split(/[ \t\n\r\f]+/).filter((t) => t !== '');
  if (tokens.length === 0) throw new ComityError('ERR_SDJWT_VCT_INTEGRITY_MALFORMED', 'integrity metadata is empty');
  const expressions: { alg: string; digest: Uint8Array }[] = [];
  for (const token of tokens) {
    const m = HASH_EXPRESSION.exec(token);
    if (m === null) throw new ComityError('ERR_SDJWT_VCT_INTEGRITY_MALFORMED', 'integrity metadata holds a malformed hash expression');
    const alg = m[1] as string;
    if (!Object.hasOwn(ALGORITHMS, alg)) continue; // unknown algorithms are ignored (SRI §3.3.3)
    expressions.push({ alg, digest: decodeStdBase64(m[2] as string, 'ERR_SDJWT_VCT_INTEGRITY_MALFORMED', 'integrity digest', true) });
  }
  if (expressions.length === 0) {
    throw new ComityError('ERR_SDJWT_VCT_INTEGRITY_UNSUPPORTED', 'integrity metadata uses no supported hash algorithm');
  }
  let strongest = expressions[0] as { alg: string };
  for (const e of expressions) if ((ALGORITHMS[e.alg]?.strength ?? 0) > (ALGORITHMS[strongest.alg]?.strength ?? 0)) strongest = e;
  const info = ALGORITHMS[strongest.alg] as { hash: HashAlgorithm; length: number };
  const actual = await crypto.digest(info.hash, bytes);
  for (const e of expressions) {
    if (e.alg === strongest.alg && bytesEqual(e.digest, actual)) return;
  }
  throw new ComityError('ERR_SDJWT_VCT_INTEGRITY_MISMATCH', 'the document does not match its integrity metadata', { details: { algorithm: strongest.alg } });
}
