/**
 * Checks shared by the JWT (§5.1) and CWT (§5.2) Status List Token verifiers: key
 * selection among the status issuer's keys, and the claim rules of §8.3 step 4.
 *
 * @module
 */
import {
  type ComityContext,
  ComityError,
  ComityUsageError,
  epochSeconds,
  isComityContext,
  type JsonObject,
  type Jwk,
  type SignatureAlgorithm,
  toPublicJwk,
} from '@comity/core';
import type { CheckStatusOptions } from '../check.js';
import { DEFAULT_MAX_STATUS_LIST_BYTES, type DecodedStatusList } from '../decode.js';
import { statusError } from '../errors.js';
import type { VerifiedStatusListToken, VerifyStatusListTokenOptions } from '../verify-jwt.js';

const MAX_CANDIDATE_KEYS = 16;

/** Key resolver input: a JSON view of the protected header (`alg`, `kid`, `x5c`...). */
export type KeyResolver = (input: { readonly header: Readonly<JsonObject>; readonly uri: string }) => Promise<readonly Jwk[]> | readonly Jwk[];

/** The options both verifiers share. */
export interface TokenCheckOptions {
  readonly ctx: ComityContext;
  readonly keys: readonly Jwk[] | KeyResolver;
  readonly uri: string;
  readonly maxAgeSeconds?: number;
  readonly clockSkewSeconds?: number;
  readonly historicalTime?: number;
}

/** The time and subject claims of either token form, already type-checked. */
export interface TokenClaims {
  readonly sub: string;
  readonly iat: number;
  readonly exp?: number;
  readonly nbf?: number;
  readonly ttl?: number;
}

/** Every option the verify and check functions read (their union; a function ignores the rest). */
const OPTION_NAMES = [
  'ctx',
  'keys',
  'uri',
  'allowedAlgorithms',
  'maxAgeSeconds',
  'clockSkewSeconds',
  'maxListBytes',
  'historicalTime',
  'allowLoopbackHttp',
  'cache',
  'maxTokenBytes',
  'timeoutMs',
  'format',
  'acceptedStatuses',
] as const;

// An option missing from the list would be silently dropped by the snapshot: the compiler
// refuses a list that does not name every option of the functions that take a snapshot.
type Unlisted = Exclude<keyof (CheckStatusOptions & VerifyStatusListTokenOptions & { acceptedStatuses?: unknown }), (typeof OPTION_NAMES)[number]>;
const everyOptionListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyOptionListed;

/**
 * The options as they are when a call starts: each member read once and the lists (`keys`,
 * `allowedAlgorithms`, `acceptedStatuses`) copied, so a caller changing its options object while
 * the call awaits a fetch or a signature check does not change what that call checks and uses.
 * Anything that is not an object is returned as is, for the usage checks to refuse.
 */
export function snapshotOptions<T>(options: T): T {
  if (options === null || typeof options !== 'object') return options;
  const source = options as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const value = source[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? [...value] : value;
  }
  return out as T;
}

/**
 * Throws a usage error unless `options.ctx` looks like a context and the time options are
 * numbers: a string or NaN would silently turn the expiry and age comparisons off (fail open).
 */
export function checkContext(options: Partial<Pick<TokenCheckOptions, 'ctx' | 'clockSkewSeconds' | 'maxAgeSeconds' | 'historicalTime'>>): void {
  if (!isComityContext(options?.ctx)) throw new ComityUsageError('ERR_USAGE_CONTEXT', 'a ComityContext is required');
  for (const name of ['clockSkewSeconds', 'maxAgeSeconds'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new ComityUsageError('ERR_USAGE_STATUS_TIME', `${name} must be a non-negative number of seconds`);
    }
  }
  const at = options.historicalTime;
  if (at !== undefined && (!Number.isSafeInteger(at) || at < 0)) {
    throw new ComityUsageError('ERR_USAGE_STATUS_TIME', 'historicalTime must be a non-negative integer');
  }
}

/**
 * Verifies with the first configured (or resolved) key that matches `kid`/`alg` and
 * makes `verifyOne` succeed.
 *
 * @throws ComityError `ERR_STATUS_TOKEN_KEY_UNKNOWN`, `ERR_STATUS_TOKEN_KEY_UNTRUSTED`, `ERR_STATUS_TOKEN_SIGNATURE_INVALID`
 */
export async function verifyWithKeys(
  header: Readonly<JsonObject>,
  kid: string | undefined,
  alg: SignatureAlgorithm,
  options: TokenCheckOptions,
  verifyOne: (key: Jwk) => Promise<boolean>,
): Promise<Jwk> {
  let keys: readonly Jwk[];
  if (typeof options.keys === 'function') {
    try {
      keys = await options.keys({ header, uri: options.uri });
    } catch (cause) {
      if (cause instanceof ComityError && cause.code.startsWith('ERR_STATUS_')) throw cause;
      const reason = cause instanceof ComityError ? cause.code : 'resolver';
      throw statusError('ERR_STATUS_TOKEN_KEY_UNTRUSTED', 'no trusted key was found for the status list token', { reason }, cause);
    }
    if (!Array.isArray(keys)) throw new ComityUsageError('ERR_USAGE_STATUS_KEYS', 'the key resolver must return an array of JWKs');
  } else {
    if (!Array.isArray(options.keys) || options.keys.length === 0) {
      throw new ComityUsageError('ERR_USAGE_STATUS_KEYS', 'keys must be a non-empty array of JWKs or a resolver');
    }
    keys = options.keys;
  }
  const candidates = keys.filter((k) => (kid === undefined || k.kid === undefined || k.kid === kid) && (k.alg === undefined || k.alg === alg));
  if (candidates.length === 0) {
    throw statusError('ERR_STATUS_TOKEN_KEY_UNKNOWN', 'no configured key matches the status list token', kid === undefined ? {} : { kid: kid.slice(0, 64) });
  }
  for (const candidate of candidates.slice(0, MAX_CANDIDATE_KEYS)) {
    try {
      if (await verifyOne(toPublicJwk(candidate))) return candidate;
    } catch (cause) {
      // A key of the wrong type for `alg` cannot have made this signature: try the next one.
      if (cause instanceof ComityError && cause.code.startsWith('ERR_KEY_')) continue;
      throw cause;
    }
  }
  throw statusError('ERR_STATUS_TOKEN_SIGNATURE_INVALID', 'the status list token signature is invalid');
}

/**
 * §8.3 step 4: `sub` equals the reference `uri`, `exp` not passed, `iat` and `nbf` not in
 * the future, and `iat` within `maxAgeSeconds` when the caller sets it.
 *
 * With `historicalTime` (§8.4), `iat, nbf <= historicalTime < exp` replaces the expiry and age checks.
 *
 * @throws ComityError `ERR_STATUS_SUB_MISMATCH`, `ERR_STATUS_TOKEN_EXPIRED`, `ERR_STATUS_TOKEN_NOT_YET_VALID`, `ERR_STATUS_TOKEN_STALE`,
 * `ERR_STATUS_TOKEN_HISTORICAL_MISMATCH`
 */
export function checkTokenClaims(claims: TokenClaims, options: TokenCheckOptions): void {
  const skew = options.clockSkewSeconds ?? 0;
  if (claims.sub !== options.uri) throw statusError('ERR_STATUS_SUB_MISMATCH', 'the token subject does not match the status list uri');
  const now = epochSeconds(options.ctx);
  if (claims.iat > now + skew) throw statusError('ERR_STATUS_TOKEN_NOT_YET_VALID', 'the status list token is issued in the future');
  if (claims.nbf !== undefined && claims.nbf > now + skew) throw statusError('ERR_STATUS_TOKEN_NOT_YET_VALID', 'the status list token is not yet valid');
  const at = options.historicalTime;
  if (at !== undefined) {
    // §8.4: the requested time must lie within the token's validity (nbf included), whatever the server answered.
    if (claims.iat > at + skew || (claims.nbf !== undefined && claims.nbf > at + skew) || (claims.exp !== undefined && at >= claims.exp + skew)) {
      throw statusError('ERR_STATUS_TOKEN_HISTORICAL_MISMATCH', 'the status list token was not valid at the requested time');
    }
    return;
  }
  if (claims.exp !== undefined && now >= claims.exp + skew) throw statusError('ERR_STATUS_TOKEN_EXPIRED', 'the status list token has expired');
  if (options.maxAgeSeconds !== undefined && now - claims.iat > options.maxAgeSeconds + skew) {
    throw statusError('ERR_STATUS_TOKEN_STALE', 'the status list token is older than allowed', { maxAgeSeconds: options.maxAgeSeconds });
  }
}

/**
 * The last steps both token forms share: the claim checks, the list decoding, and the
 * result shape.
 */
export function verifiedToken(
  claims: TokenClaims & { readonly statusList: unknown },
  options: TokenCheckOptions & { readonly maxListBytes?: number },
  decodeList: (statusList: unknown, maxBytes: number) => DecodedStatusList,
  key: Jwk,
  alg: SignatureAlgorithm,
): VerifiedStatusListToken {
  checkTokenClaims(claims, options);
  const decoded = decodeList(claims.statusList, options.maxListBytes ?? DEFAULT_MAX_STATUS_LIST_BYTES);
  return {
    token: {
      iat: claims.iat,
      ...(claims.exp === undefined ? {} : { exp: claims.exp }),
      ...(claims.ttl === undefined ? {} : { ttl: claims.ttl }),
    },
    uri: claims.sub,
    list: decoded.list,
    ...(decoded.aggregationUri === undefined ? {} : { aggregationUri: decoded.aggregationUri }),
    key,
    alg,
  };
}
