/**
 * Fetching status resources (Status List Tokens, aggregations) through the context's fetch,
 * with core's URL, size and redirect rules, and failures in the status list's own codes.
 *
 * @module
 */
import { type ComityContext, ComityError, checkFetchUrl, type FetchOptions, fetchBytes } from '@comity/core';
import { statusError } from '../errors.js';

/**
 * The body at `url`, or `ERR_STATUS_FETCH_TOO_LARGE`, `ERR_STATUS_FETCH_URL_NOT_ALLOWED` or
 * `ERR_STATUS_FETCH_FAILED` (core's fetch code in `details.reason`). `what` names the resource
 * in messages ("the status list token").
 */
export async function fetchStatusResource(ctx: ComityContext, url: string, options: FetchOptions, what: string): Promise<Uint8Array> {
  try {
    return await fetchBytes(ctx, url, options);
  } catch (cause) {
    throw statusFetchError(cause, what);
  }
}

/**
 * Checks `url` against the fetch policy (https, or loopback http when allowed; no credentials)
 * without fetching, for resources served from a cache.
 *
 * @throws ComityError `ERR_STATUS_FETCH_URL_NOT_ALLOWED`
 */
export function checkStatusResourceUrl(url: string, allowLoopbackHttp: boolean, what: string): void {
  try {
    checkFetchUrl(url, allowLoopbackHttp);
  } catch (cause) {
    throw statusFetchError(cause, what);
  }
}

/** Maps a core fetch failure to the status list's fetch codes. */
function statusFetchError(cause: unknown, what: string): ComityError {
  const code = cause instanceof ComityError ? cause.code : 'ERR_FETCH_FAILED';
  const details = cause instanceof ComityError ? { reason: code, ...cause.details } : { reason: code };
  if (code === 'ERR_FETCH_TOO_LARGE') return statusError('ERR_STATUS_FETCH_TOO_LARGE', `${what} is larger than allowed`, details, cause);
  if (code === 'ERR_FETCH_URL_NOT_ALLOWED') return statusError('ERR_STATUS_FETCH_URL_NOT_ALLOWED', `${what} uri may not be fetched`, details, cause);
  return statusError('ERR_STATUS_FETCH_FAILED', `${what} could not be fetched`, details, cause);
}
