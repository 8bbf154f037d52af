/**
 * The shape of a presentation request as the wallet receives it from a verifier (through the
 * app), checked before the citizen is shown anything or anything is signed.
 *
 * @module
 */
import { type ClaimPath, ComityError } from '@comity/core';
import { isClaimPath } from '@comity/sd-jwt-vc';

/** Most claims one request may ask for: a request is shown to the citizen, claim by claim. */
const MAX_REQUESTED_CLAIMS = 256;

/**
 * A request comes from a verifier (through the app): its shape is checked before the citizen
 * is shown anything or anything is signed.
 *
 * @throws ComityError `ERR_HOLDER_REQUEST_INVALID` with the offending `field` in its details (`nonce`
 *   also when it is empty)
 */
export function checkRequest(request: unknown, presenting: boolean): void {
  const invalid = (field: string) => new ComityError('ERR_HOLDER_REQUEST_INVALID', `the presentation request has no valid ${field}`, { details: { field } });
  if (request === null || typeof request !== 'object') throw invalid('request object');
  const r = request as Record<string, unknown>;
  if (typeof r.verifier !== 'string' || r.verifier === '') throw invalid('verifier');
  if (r.purpose !== undefined && typeof r.purpose !== 'string') throw invalid('purpose');
  // An empty nonce binds the presentation to nothing: it could be replayed to this verifier.
  if (presenting && (typeof r.nonce !== 'string' || r.nonce === '')) throw invalid('nonce');
  if (!Array.isArray(r.claims) || r.claims.length > MAX_REQUESTED_CLAIMS || !r.claims.every(isClaimPath)) throw invalid('claims');
}

/**
 * An mdoc discloses whole elements: every requested path is `[namespace, elementIdentifier]`.
 * Checked for the whole request, consented or not, so describeRequest and present agree.
 *
 * @throws ComityError `ERR_HOLDER_REQUEST_INVALID` with `field: 'claims'`
 */
export function checkMdocRequest(claims: readonly ClaimPath[]): void {
  if (!claims.every((p) => p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string'))
    throw new ComityError('ERR_HOLDER_REQUEST_INVALID', 'the presentation request has no valid claims for an mdoc', { details: { field: 'claims' } });
}
