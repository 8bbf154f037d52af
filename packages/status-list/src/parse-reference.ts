/**
 * Verifier side: the `status.status_list` reference inside a Referenced Token (§6.2).
 *
 * @module
 */
import { isPlainObject } from '@comity/core';
import { statusError } from './errors.js';

/** Where a Referenced Token's status lives: an index into the list served at `uri`. */
export interface StatusReference {
  readonly idx: number;
  readonly uri: string;
}

/** Longest `uri` accepted in a reference. */
const MAX_URI_LENGTH = 8192;

/** @internal Checks an `{idx, uri}` pair; `path` locates it for error reports. */
export function checkReference(value: unknown, path: readonly (string | number)[]): StatusReference {
  if (!isPlainObject(value)) {
    throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status_list reference is not an object', { path: [...path] });
  }
  const { idx, uri } = value;
  if (typeof idx !== 'number' || !Number.isSafeInteger(idx) || idx < 0) {
    throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status_list "idx" is not a non-negative integer', { path: [...path, 'idx'] });
  }
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > MAX_URI_LENGTH || !isAbsoluteUri(uri)) {
    throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status_list "uri" is not an absolute URI', { path: [...path, 'uri'] });
  }
  return { idx, uri };
}

function isAbsoluteUri(uri: string): boolean {
  // RFC 3986 scheme, then anything without whitespace or control characters.
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri)) return false;
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c < 0x21 || c === 0x7f) return false;
  }
  try {
    new URL(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the status reference from a Referenced Token's `status` claim value
 * (`{"status_list": {"idx": 0, "uri": "https://..."}}`). Types are strict: `idx` must be a
 * JSON integer ≥ 0 (not a string, not 1.5), `uri` an absolute URI. Other members of
 * `status` and of `status_list` are ignored, as §6.2 allows.
 *
 * @example
 * ```ts
 * const ref = parseStatusReference(claims.status);
 * const result = await checkStatus(ref, { ctx, keys: [statusIssuerJwk] });
 * ```
 * @throws ComityError `ERR_STATUS_REFERENCE_INVALID` (details.path locates the bad member)
 * @see draft-ietf-oauth-status-list-20 §6.2, §8.3 step 1
 */
export function parseStatusReference(status: unknown): StatusReference {
  if (!isPlainObject(status)) throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status claim is not an object', { path: ['status'] });
  if (!('status_list' in status)) {
    throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status claim has no status_list member', { path: ['status', 'status_list'] });
  }
  return checkReference(status.status_list, ['status', 'status_list']);
}
