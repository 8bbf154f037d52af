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

/**
 * The handover is what the device signature binds to; the consent screen shows `verifier` and
 * the log records it. Where the handover names the verifier (`clientId` of OpenID4VP and
 * 18013-7 Annex B) or carries the request's text `nonce`, they must be the request's own:
 * otherwise the citizen consents to one verifier while the signature binds to another.
 * An Annex C or raw handover carries neither and cannot be compared.
 *
 * @throws ComityError `ERR_HOLDER_REQUEST_INVALID` with `field: 'handover'`
 */
export function checkHandoverBinding(request: { verifier: string; nonce: string; handover?: unknown }): void {
  const h = request.handover;
  if (h === undefined) return;
  const invalid = () =>
    new ComityError('ERR_HOLDER_REQUEST_INVALID', 'the handover names another verifier or nonce than the request', { details: { field: 'handover' } });
  if (h === null || typeof h !== 'object') throw invalid();
  const { type, clientId, nonce } = h as Record<string, unknown>;
  if ((type === 'openid4vp' || type === 'iso18013-7-annex-b') && clientId !== request.verifier) throw invalid();
  if ((type === 'openid4vp' || type === 'openid4vp-dcapi' || type === 'iso18013-7-annex-b') && nonce !== request.nonce) throw invalid();
}
