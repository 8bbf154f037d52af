/**
 * The shape of a presentation request as the wallet receives it from a verifier (through the
 * app), checked before the citizen is shown anything or anything is signed.
 *
 * @module
 */
import { ComityError } from '@comity/core';
import { isClaimPath } from '@comity/sd-jwt-vc';

/** Most claims one request may ask for: a request is shown to the citizen, claim by claim. */
const MAX_REQUESTED_CLAIMS = 256;

/**
 * A request comes from a verifier (through the app): its shape is checked before the citizen
 * is shown anything or anything is signed.
 *
 * @throws ComityError `ERR_HOLDER_REQUEST_INVALID` with the offending `field` in its details
 */
export function checkRequest(request: unknown, presenting: boolean): void {
  const invalid = (field: string) => new ComityError('ERR_HOLDER_REQUEST_INVALID', `the presentation request has no valid ${field}`, { details: { field } });
  if (request === null || typeof request !== 'object') throw invalid('request object');
  const r = request as Record<string, unknown>;
  if (typeof r.verifier !== 'string' || r.verifier === '') throw invalid('verifier');
  if (r.purpose !== undefined && typeof r.purpose !== 'string') throw invalid('purpose');
  if (presenting && typeof r.nonce !== 'string') throw invalid('nonce');
  if (!Array.isArray(r.claims) || r.claims.length > MAX_REQUESTED_CLAIMS || !r.claims.every(isClaimPath)) throw invalid('claims');
}
