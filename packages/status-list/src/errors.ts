/**
 * Error codes of `@comity/status-list`. Every failure of a status check is reported with
 * one of these `ERR_STATUS_*` codes, never with a credential code, so a caller can tell
 * "the status list could not be used" apart from "the credential is bad"
 * (sd-jwt-js issues #305 and #331).
 *
 * @module
 */
import { ComityError, type ErrorDetails } from '@comity/core';

/**
 * Every code this package raises on untrusted input.
 *
 * @see draft-ietf-oauth-status-list-20 §8.3 (validation rules)
 */
export const STATUS_ERROR_CODES = Object.freeze([
  'ERR_STATUS_REFERENCE_INVALID',
  'ERR_STATUS_AGGREGATION_INVALID',
  'ERR_STATUS_FETCH_FAILED',
  'ERR_STATUS_FETCH_TOO_LARGE',
  'ERR_STATUS_FETCH_URL_NOT_ALLOWED',
  'ERR_STATUS_TOKEN_MALFORMED',
  'ERR_STATUS_TOKEN_TYP',
  'ERR_STATUS_TOKEN_ALG_NOT_ALLOWED',
  'ERR_STATUS_TOKEN_CRIT_UNSUPPORTED',
  'ERR_STATUS_TOKEN_KEY_UNKNOWN',
  'ERR_STATUS_TOKEN_KEY_UNTRUSTED',
  'ERR_STATUS_TOKEN_SIGNATURE_INVALID',
  'ERR_STATUS_TOKEN_CLAIM_INVALID',
  'ERR_STATUS_SUB_MISMATCH',
  'ERR_STATUS_TOKEN_EXPIRED',
  'ERR_STATUS_TOKEN_NOT_YET_VALID',
  'ERR_STATUS_TOKEN_STALE',
  'ERR_STATUS_TOKEN_HISTORICAL_MISMATCH',
  'ERR_STATUS_BITS_INVALID',
  'ERR_STATUS_LIST_MALFORMED',
  'ERR_STATUS_LIST_CORRUPT',
  'ERR_STATUS_LIST_TOO_LARGE',
  'ERR_STATUS_LIST_FULL',
  'ERR_STATUS_INDEX_OUT_OF_RANGE',
  'ERR_STATUS_CHECK_FAILED',
  'ERR_STATUS_REVOKED',
  'ERR_STATUS_SUSPENDED',
  'ERR_STATUS_NOT_ACCEPTED',
] as const);

/** One of {@link STATUS_ERROR_CODES}. */
export type StatusErrorCode = (typeof STATUS_ERROR_CODES)[number];

/** @internal Builds a status-list {@link ComityError}. */
export function statusError(code: StatusErrorCode, message: string, details?: ErrorDetails, cause?: unknown): ComityError {
  const options: { details?: ErrorDetails; cause?: unknown } = {};
  if (details !== undefined) options.details = details;
  if (cause !== undefined) options.cause = cause;
  return new ComityError(code, message, options);
}
