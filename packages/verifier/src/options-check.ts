/**
 * The verifier's own settings, checked when it is created: a mistake there would otherwise
 * refuse (or, worse, accept) every presentation later, far from its cause.
 *
 * @module
 */
import { ComityUsageError } from '@comity/core';
import type { VerifierProfile } from '@comity/trust-registry';
import type { StatusPolicy } from './status.js';
import type { VerifierOptions } from './verifier.js';

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const seconds = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Checks the mdoc and clock settings of `createVerifier`.
 *
 * @throws ComityUsageError `ERR_USAGE_VERIFIER_OPTION` naming the option
 */
export function checkVerifierOptions(options: {
  documentSignerEkus?: unknown;
  mdocClockToleranceSeconds?: unknown;
  mdocIssuingCountryNameSpaces?: unknown;
  clockSkewSeconds?: unknown;
}): void {
  const { documentSignerEkus, mdocClockToleranceSeconds, mdocIssuingCountryNameSpaces, clockSkewSeconds } = options;
  if (documentSignerEkus !== undefined) {
    // An empty list would refuse every mdoc; a name instead of a dotted OID would never match.
    if (!Array.isArray(documentSignerEkus) || documentSignerEkus.length === 0 || !documentSignerEkus.every((e) => typeof e === 'string' && OID.test(e)))
      throw new ComityUsageError('ERR_USAGE_VERIFIER_OPTION', 'documentSignerEkus must be a non-empty list of dotted OIDs');
  }
  if (mdocClockToleranceSeconds !== undefined && !seconds(mdocClockToleranceSeconds))
    throw new ComityUsageError('ERR_USAGE_VERIFIER_OPTION', 'mdocClockToleranceSeconds must be a number of seconds >= 0');
  if (
    mdocIssuingCountryNameSpaces !== undefined &&
    (!Array.isArray(mdocIssuingCountryNameSpaces) || !mdocIssuingCountryNameSpaces.every((ns) => typeof ns === 'string' && ns.length > 0 && ns.length <= 256))
  )
    throw new ComityUsageError('ERR_USAGE_VERIFIER_OPTION', 'mdocIssuingCountryNameSpaces must be a list of namespace names');
  if (clockSkewSeconds !== undefined && !seconds(clockSkewSeconds))
    throw new ComityUsageError('ERR_USAGE_VERIFIER_OPTION', 'clockSkewSeconds must be a number of seconds >= 0');
}

const frozenCopy = (v: unknown): unknown => (Array.isArray(v) ? Object.freeze([...v]) : v);

/** Copies the named members (own or inherited, getters read once), leaving out the undefined ones. */
function pick(from: object, names: readonly string[], copyValue: (v: unknown) => unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name of names) {
    const value = (from as Record<string, unknown>)[name];
    if (value !== undefined) copy[name] = copyValue(value);
  }
  return copy;
}

const OPTION_NAMES = [
  'ctx',
  'issuerKeys',
  'trustAnchors',
  'issuerMetadata',
  'did',
  'issuerKeyResolver',
  'algorithms',
  'typeMetadata',
  'trustRegistry',
  'verifierProfile',
  'status',
  'documentSignerEkus',
  'mdocClockToleranceSeconds',
  'mdocIssuingCountryNameSpaces',
  'clockSkewSeconds',
] as const;
const STATUS_NAMES = ['keys', 'mode', 'cache', 'maxAgeSeconds', 'allowLoopbackHttp', 'format'] as const;
const PROFILE_NAMES = ['jurisdiction', 'purpose', 'community'] as const;

// An option missing from these lists would be silently dropped by the snapshot: the compiler
// refuses a list that does not name every member of its type.
type Unlisted<T, L extends readonly string[]> = Exclude<keyof T, L[number]>;
const everyOptionListed: [
  Unlisted<VerifierOptions, typeof OPTION_NAMES>,
  Unlisted<StatusPolicy, typeof STATUS_NAMES>,
  Unlisted<VerifierProfile, typeof PROFILE_NAMES>,
] extends [never, never, never]
  ? true
  : never = true;
void everyOptionListed;

/**
 * The verifier's own copy of its options, taken once when it is created and checked after:
 * each option read once (a getter cannot answer the checks one way and the verification
 * another), every list copied and frozen (status keys one by one), the status policy and the
 * verifier profile copied. A caller that edits its options object, or a list or policy in it,
 * after `createVerifier` no longer changes what the verifier accepts: removing `trustRegistry`
 * used to leave issuer chains checked for a registry that was no longer asked, so accepted
 * unanchored; pushing to `trustAnchors`, `algorithms` or `documentSignerEkus`, or relaxing
 * `status.mode`, widened a policy already in use. The registry, the resolvers, the cache and
 * `ctx` are services, kept by reference.
 */
export function snapshotOptions<O extends object>(options: O): O {
  const copy = pick(options, OPTION_NAMES, frozenCopy);
  const { status, verifierProfile } = copy;
  if (status !== null && typeof status === 'object' && !Array.isArray(status)) {
    const keyCopy = (v: unknown): unknown =>
      Array.isArray(v) ? Object.freeze(v.map((k: unknown) => (k !== null && typeof k === 'object' ? { ...k } : k))) : v;
    copy.status = Object.freeze({ ...status, ...pick(status, STATUS_NAMES, keyCopy) });
  }
  if (verifierProfile !== null && typeof verifierProfile === 'object')
    copy.verifierProfile = Object.freeze({ ...verifierProfile, ...pick(verifierProfile, PROFILE_NAMES, (v) => v) });
  return Object.freeze(copy) as O;
}
