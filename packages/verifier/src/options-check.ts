/**
 * The verifier's own settings, checked when it is created: a mistake there would otherwise
 * refuse (or, worse, accept) every presentation later, far from its cause.
 *
 * @module
 */
import { ComityUsageError } from '@comity/core';

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
