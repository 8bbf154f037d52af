import type { ClaimPath } from '@comity/core';

/** True if a DCQL-style pattern (`null` = any array index) matches a concrete path. */
export function pathMatches(pattern: ClaimPath, path: ClaimPath): boolean {
  if (pattern.length !== path.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const v = path[i];
    if (p === null) {
      if (typeof v !== 'number') return false;
    } else if (p !== v) return false;
  }
  return true;
}

/** True if `prefix` (a pattern) matches the start of `path`. */
export function pathStartsWith(path: ClaimPath, prefix: ClaimPath): boolean {
  return prefix.length <= path.length && pathMatches(prefix, path.slice(0, prefix.length));
}

/** True if a value is a valid claim path: non-empty, strings, non-negative integers or null. */
export function isClaimPath(value: unknown): value is ClaimPath {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((c) => typeof c === 'string' || c === null || (typeof c === 'number' && Number.isInteger(c) && c >= 0))
  );
}
