/**
 * Checks of the numeric options of a verification policy.
 */
import { ComityUsageError } from '@comity/core';

/**
 * A clock skew or maximum age that is not a finite non-negative number would turn time
 * checks off (every comparison with NaN is false): a caller's mistake, refused.
 *
 * @throws ComityUsageError `ERR_USAGE_POLICY`
 */
export function checkTimeOptions(skewSeconds: unknown, maxAgeSeconds: unknown): void {
  if (typeof skewSeconds !== 'number' || !Number.isFinite(skewSeconds) || skewSeconds < 0)
    throw new ComityUsageError('ERR_USAGE_POLICY', 'clockSkewSeconds must be a finite number of seconds, not negative');
  if (maxAgeSeconds !== undefined && (typeof maxAgeSeconds !== 'number' || !Number.isFinite(maxAgeSeconds) || maxAgeSeconds < 0))
    throw new ComityUsageError('ERR_USAGE_POLICY', 'keyBinding.maxAgeSeconds must be a finite number of seconds, not negative');
}
