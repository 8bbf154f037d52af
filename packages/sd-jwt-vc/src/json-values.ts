/**
 * The issuer's claims must be JSON values: what is signed is what the caller gave. Left to
 * `JSON.stringify`, NaN and Infinity became `null`, a Map `{}`, a Date a timestamp string, an
 * array hole `null`, and a disclosable `undefined` a disclosed `null`; a cycle overflowed the
 * stack and a BigInt threw a raw TypeError.
 *
 * @module
 */
import { type ClaimPath, ComityUsageError, isPlainObject } from '@comity/core';

/** Deepest container a verifier reads (the claim set is depth 0; `ERR_SDJWT_TOO_DEEP` beyond): issuing deeper helps no one. */
export const MAX_CLAIM_DEPTH = 64;

/** Options of {@link copyJsonValue}. */
export interface CopyJsonOptions {
  /** Deepest container depth accepted; the value given is depth 0. */
  readonly maxDepth: number;
  /** Throws the caller's error for a value at `path` that is not accepted (`why` names no value). */
  readonly refuse: (path: ClaimPath, why: string) => never;
}

/**
 * A copy of `value` made only of JSON values: strings, finite numbers, booleans, null, arrays
 * and plain objects, containers nested at most `maxDepth` deep (so a cycle is refused too).
 * Anything else (`undefined`, NaN, Infinity, a BigInt, a function, a symbol, a Date, a Map, a
 * class instance) is refused rather than reshaped by JSON. Copied while checked, so what is
 * checked is what is issued; a `__proto__` member stays a member.
 *
 * @example
 * ```ts
 * const claims = copyJsonValue(input, [], { maxDepth: 64, refuse: (path, why) => { throw new TypeError(`${path.join('.')} ${why}`); } });
 * ```
 */
export function copyJsonValue(value: unknown, path: ClaimPath, options: CopyJsonOptions, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) options.refuse(path, 'is not a finite number');
    return value;
  }
  if (typeof value !== 'object') return options.refuse(path, `is ${value === undefined ? 'undefined' : `a ${typeof value}`}, not a JSON value`);
  if (depth > options.maxDepth) options.refuse(path, `nests containers more than ${options.maxDepth} deep (or refers to itself)`);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(copyJsonValue(value[i], [...path, i], options, depth + 1));
    return out;
  }
  if (!isPlainObject(value)) return options.refuse(path, `is a ${Object.prototype.toString.call(value).slice(8, -1)}, not a plain object`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // defineProperty: a "__proto__" claim stays a claim (issueSdJwt decides about it).
    Object.defineProperty(out, key, {
      value: copyJsonValue(value[key], [...path, key], options, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * The claim set of {@link issueSdJwt}, copied by {@link copyJsonValue} up to the depth verifiers read.
 *
 * @throws ComityUsageError `ERR_USAGE_CLAIM_VALUE`, naming the claim path (names and indexes, never values)
 */
export function copyClaims(claims: unknown): Record<string, unknown> {
  const refuse = (path: ClaimPath, why: string): never => {
    const where = path.length === 0 ? 'the claim set' : `the claim at ${JSON.stringify(path)}`;
    throw new ComityUsageError('ERR_USAGE_CLAIM_VALUE', `${where} ${why}: claims must be JSON values`);
  };
  if (!isPlainObject(claims)) refuse([], 'is not a plain object');
  return copyJsonValue(claims, [], { maxDepth: MAX_CLAIM_DEPTH, refuse }) as Record<string, unknown>;
}
