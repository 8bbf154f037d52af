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
  let idx: unknown;
  let uri: unknown;
  if (isPlainObject(value)) {
    ({ idx, uri } = value);
  } else if (value instanceof Map) {
    idx = value.get('idx');
    uri = value.get('uri');
  } else {
    throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status_list reference is not an object', { path: [...path] });
  }
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
 * `status` and of `status_list` are ignored, as §6.2 allows. A CBOR `status` claim
 * (CWT claim 65535 or an mdoc MSO `status`, §6.3) decoded to a `Map` with text keys is
 * accepted too.
 *
 * @example
 * ```ts
 * const ref = parseStatusReference(claims.status);
 * const result = await checkStatus(ref, { ctx, keys: [statusIssuerJwk] });
 * ```
 * @throws ComityError `ERR_STATUS_REFERENCE_INVALID` (details.path locates the bad member)
 * @see draft-ietf-oauth-status-list-20 §6.2, §6.3, §8.3 step 1
 */
export function parseStatusReference(status: unknown): StatusReference {
  let statusList: unknown;
  if (isPlainObject(status)) {
    statusList = status.status_list;
  } else if (status instanceof Map) {
    statusList = status.get('status_list');
  } else {
    throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status claim is not an object', { path: ['status'] });
  }
  if (statusList === undefined) {
    throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status claim has no status_list member', { path: ['status', 'status_list'] });
  }
  return checkReference(statusList, ['status', 'status_list']);
}
