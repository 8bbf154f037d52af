/**
 * Agreement suspension through an IETF Token Status List (JWT form), verified with a pinned
 * signer certificate. Status 0 = valid; anything else (1 invalid, 2 suspended, ...) means the
 * agreement is not active.
 *
 * @module
 */

import { type Certificate, ComityError, type CryptoProvider, decodeCompactJws, defaultCrypto, isPlainObject, verifyJwsSignature } from '@comity/core';
import { decodeStatusList, type StatusList } from '@comity/status-list';
import { jwsSigner, LIST_SIGNATURE_ALGORITHMS } from './parse-lote.js';

/** A verified status list. */
export interface VerifiedStatusList {
  readonly uri: string;
  readonly bits: 1 | 2 | 4 | 8;
  readonly list: StatusList;
  readonly expiresAt?: Date | undefined;
  /** The token's `iat`: a registry never replaces a status list with an older one. */
  readonly issuedAt?: Date | undefined;
  /**
   * SHA-256 thumbprint of the pinned certificate the token verified with. An agreement uses a
   * status list only when it is signed by the signer of the agreement's own list.
   */
  readonly signerSha256?: string | undefined;
}

/**
 * Verifies a status list token (`typ` `statuslist+jwt`) against pinned certificates.
 *
 * @example
 * ```ts
 * const sl = await verifyStatusListJwt(token, [registrarCert]);
 * statusAtIndex(sl, 3); // 0 = valid
 * ```
 * @throws ComityError `ERR_TRUST_STATUS_LIST_MALFORMED`, `ERR_TRUST_STATUS_LIST_SIGNATURE`, `ERR_TRUST_SIGNER_NOT_PINNED`
 * @see draft-ietf-oauth-status-list §5 (JWT), §4 (bit encoding)
 */
export async function verifyStatusListJwt(
  token: string,
  signerCertificates: readonly Certificate[],
  options: { crypto?: CryptoProvider } = {},
): Promise<VerifiedStatusList> {
  const jws = decodeCompactJws(token.trim(), 'status list', 'ERR_TRUST_STATUS_LIST');
  if (jws.header.typ !== 'statuslist+jwt') throw new ComityError('ERR_TRUST_STATUS_LIST_MALFORMED', 'status list has the wrong typ');
  const signer = await jwsSigner(jws.header, signerCertificates, 'status list');
  try {
    await verifyJwsSignature(jws, signer.publicJwk, {
      algorithms: LIST_SIGNATURE_ALGORITHMS,
      crypto: options.crypto ?? defaultCrypto,
      codePrefix: 'ERR_TRUST_STATUS_LIST',
    });
  } catch (cause) {
    if (cause instanceof ComityError && cause.code === 'ERR_TRUST_STATUS_LIST_SIGNATURE_INVALID')
      throw new ComityError('ERR_TRUST_STATUS_LIST_SIGNATURE', 'status list signature is invalid', { cause });
    throw cause;
  }
  const p = jws.payload;
  const sl = isPlainObject(p.status_list) ? (p.status_list as Record<string, unknown>) : undefined;
  const bits = sl?.bits;
  if (typeof p.sub !== 'string' || sl === undefined || (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) || typeof sl.lst !== 'string') {
    throw new ComityError('ERR_TRUST_STATUS_LIST_MALFORMED', 'status list payload is malformed');
  }
  let list: StatusList;
  try {
    // Decoding (zlib, bounded) is @comity/status-list's: browser-safe and checked against the draft's vectors.
    list = decodeStatusList({ bits, lst: sl.lst }, { maxBytes: 16 * 1024 * 1024 }).list;
  } catch (cause) {
    throw new ComityError('ERR_TRUST_STATUS_LIST_MALFORMED', 'status list cannot be decompressed', { cause });
  }
  const exp = typeof p.exp === 'number' ? new Date(p.exp * 1000) : undefined;
  const iat = typeof p.iat === 'number' ? new Date(p.iat * 1000) : undefined;
  return { uri: p.sub, bits, list, expiresAt: exp, issuedAt: iat, signerSha256: signer.sha256 };
}

/**
 * Status value at `idx`, or undefined when out of range.
 *
 * @example
 * ```ts
 * statusAtIndex(statusList, 1); // 0 valid, 1 invalid, 2 suspended
 * ```
 * @see draft-ietf-oauth-status-list §4.1
 */
export function statusAtIndex(sl: VerifiedStatusList, idx: number): number | undefined {
  if (!Number.isSafeInteger(idx) || idx < 0 || idx >= sl.list.size) return undefined;
  return sl.list.get(idx);
}
