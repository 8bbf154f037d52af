/**
 * The shape of a presentation request as the wallet receives it from a verifier (through the
 * app), checked before the citizen is shown anything or anything is signed.
 *
 * @module
 */
import { bytesEqual, type ClaimPath, ComityError, ComityUsageError } from '@comity/core';
import { type HandoverInput, normalizeSessionTranscript } from '@comity/mdoc';
import { isClaimPath } from '@comity/sd-jwt-vc';
import type { WalletPresentationRequest } from './wallet.js';

/** Most claims one request may ask for: a request is shown to the citizen, claim by claim. */
const MAX_REQUESTED_CLAIMS = 256;

/**
 * A request as the wallet works with it: the wallet's own copy, each field read once. What is
 * checked is what is shown, signed and logged, even when the caller's object has getters that
 * answer differently on a second read or is changed while `present` awaits the signer.
 */
export type CheckedRequest = WalletPresentationRequest;

const invalid = (field: string, cause?: unknown) =>
  new ComityError('ERR_HOLDER_REQUEST_INVALID', `the presentation request has no valid ${field}`, {
    details: { field },
    ...(cause === undefined ? {} : { cause }),
  });

/**
 * A list of claim paths copied step by step (each element read once), or undefined when it is
 * not an array of at most `max` claim paths (a hole in a sparse list is no path).
 */
function copyPaths(value: unknown, max: number): ClaimPath[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const length = value.length;
  if (length > max) return undefined;
  const out: ClaimPath[] = [];
  for (let i = 0; i < length; i++) {
    const path: unknown = value[i];
    if (!Array.isArray(path)) return undefined;
    const copy: unknown[] = Array.from(path);
    if (!isClaimPath(copy)) return undefined;
    out.push(copy);
  }
  return out;
}

/**
 * The handover's own members, read once, byte strings copied and other objects cloned where they
 * can be. Anything but an object is left for the mdoc checks to refuse.
 */
function copyHandover(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    if (member instanceof Uint8Array) out[name] = new Uint8Array(member);
    else if (member !== null && typeof member === 'object') {
      try {
        out[name] = structuredClone(member);
      } catch {
        // Not cloneable (a function inside): buildSessionTranscript refuses it or reads it at once.
        out[name] = member;
      }
    } else out[name] = member;
  }
  return Object.freeze(out);
}

/**
 * A request comes from a verifier (through the app): its fields are read once, copied, and
 * checked before the citizen is shown anything or anything is signed. The copy is what the wallet
 * shows, signs and logs.
 *
 * @throws ComityError `ERR_HOLDER_REQUEST_INVALID` with the offending `field` in its details (`nonce`
 *   also when it is empty)
 */
export function checkRequest(request: unknown, presenting: boolean): CheckedRequest {
  if (request === null || typeof request !== 'object') throw invalid('request object');
  let fields: Record<string, unknown>;
  try {
    const { verifier, nonce, purpose, claims, handover, sessionTranscript } = request as Record<string, unknown>;
    fields = { verifier, nonce, purpose, claims, handover, sessionTranscript };
  } catch (cause) {
    // A getter that throws: the request cannot be read.
    throw invalid('request object', cause);
  }
  const { verifier, nonce, purpose, handover, sessionTranscript } = fields;
  if (typeof verifier !== 'string' || verifier === '') throw invalid('verifier');
  if (purpose !== undefined && typeof purpose !== 'string') throw invalid('purpose');
  // An empty nonce binds the presentation to nothing: it could be replayed to this verifier.
  if (presenting && (typeof nonce !== 'string' || nonce === '')) throw invalid('nonce');
  const claims = copyPaths(fields.claims, MAX_REQUESTED_CLAIMS);
  if (claims === undefined) throw invalid('claims');
  return Object.freeze({
    verifier,
    nonce: typeof nonce === 'string' ? nonce : '',
    ...(purpose === undefined ? {} : { purpose: purpose as string }),
    claims,
    ...(presenting && handover !== undefined ? { handover: copyHandover(handover) as HandoverInput } : {}),
    // Not bytes: presentMdoc says so (ERR_USAGE_SESSION_TRANSCRIPT).
    ...(presenting && sessionTranscript !== undefined
      ? { sessionTranscript: sessionTranscript instanceof Uint8Array ? new Uint8Array(sessionTranscript) : (sessionTranscript as Uint8Array) }
      : {}),
  });
}

/**
 * The citizen's consent, copied path by path (each element read once).
 *
 * @throws ComityUsageError `ERR_USAGE_CONSENT` when it is not an array of claim paths
 */
export function checkConsent(consent: unknown): ClaimPath[] {
  const copy = copyPaths(consent, Number.POSITIVE_INFINITY);
  if (copy === undefined) throw new ComityUsageError('ERR_USAGE_CONSENT', 'consent is the list of claim paths the citizen agreed to share');
  return copy;
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
 * 18013-7 Annex B; the `origin` of an OpenID4VP DC API handover when `verifier` is
 * `origin:<origin>`, the audience of an unsigned DC API request) or carries the request's text
 * `nonce`, they must be the request's own: otherwise the citizen consents to one verifier while
 * the signature binds to another. An Annex C or raw handover carries neither and cannot be compared.
 *
 * @throws ComityError `ERR_HOLDER_REQUEST_INVALID` with `field: 'handover'`
 */
export function checkHandoverBinding(request: CheckedRequest): void {
  const h: unknown = request.handover;
  if (h === undefined) return;
  if (h === null || typeof h !== 'object') throw invalid('handover');
  const { type, clientId, nonce, origin } = h as unknown as Record<string, unknown>;
  if ((type === 'openid4vp' || type === 'iso18013-7-annex-b') && clientId !== request.verifier) throw invalid('handover');
  if (type === 'openid4vp-dcapi' && request.verifier.startsWith('origin:') && origin !== request.verifier.slice('origin:'.length)) throw invalid('handover');
  if ((type === 'openid4vp' || type === 'openid4vp-dcapi' || type === 'iso18013-7-annex-b') && nonce !== request.nonce) throw invalid('handover');
}

/**
 * With both `handover` and `sessionTranscript`, the transcript signed must be the handover's
 * (bare or tag-24 wrapped): the handover is what was compared with the verifier and nonce.
 *
 * @throws ComityError `ERR_HOLDER_REQUEST_INVALID` with `field: 'sessionTranscript'`; ComityUsageError
 *   `ERR_USAGE_SESSION_TRANSCRIPT`, ComityError `ERR_MDOC_SESSION_TRANSCRIPT` for a transcript that is none
 */
export function checkTranscriptMatches(sessionTranscript: Uint8Array, fromHandover: Uint8Array): void {
  if (!bytesEqual(normalizeSessionTranscript(sessionTranscript), normalizeSessionTranscript(fromHandover))) throw invalid('sessionTranscript');
}
