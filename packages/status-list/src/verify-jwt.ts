/**
 * Verifier side: a Status List Token in JWT format, verified with the status issuer's own
 * keys (separate from the credential issuer's key setup, sd-jwt-js #305).
 *
 * @module
 */
import {
  type ComityContext,
  checkAlgorithm,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCompactJws,
  isPlainObject,
  type JsonObject,
  type Jwk,
  type SignatureAlgorithm,
} from '@comity/core';
import { type DecodedStatusList, decodeStatusList } from './decode.js';
import { statusError } from './errors.js';
import { checkContext, type KeyResolver, snapshotOptions, type TokenClaims, verifiedToken, verifyWithKeys } from './internal/token-checks.js';
import type { StatusList } from './status-list.js';

const WHAT = 'status list token';
const PREFIX = 'ERR_STATUS_TOKEN';

/**
 * Finds the status issuer's key(s) for a token, from its protected header (`kid`, `x5c`, ...).
 * Return the keys to try; throw (any error) when the header names no trusted key.
 */
export type StatusKeyResolver = KeyResolver;

/** Options of {@link verifyStatusListJwt}. */
export interface VerifyStatusListTokenOptions {
  readonly ctx: ComityContext;
  /** The status issuer's public keys, or a resolver. Never the credential issuer's setup by default. */
  readonly keys: readonly Jwk[] | StatusKeyResolver;
  /** The `uri` of the reference: `sub` must equal it. */
  readonly uri: string;
  /** Algorithm allow-list (default {@link DEFAULT_SIGNATURE_ALGORITHMS}). */
  readonly allowedAlgorithms?: readonly SignatureAlgorithm[];
  /** Reject tokens whose `iat` is older than this many seconds (a non-negative number). */
  readonly maxAgeSeconds?: number;
  /** Tolerance for `exp`, `iat` and `nbf` comparisons (default 0; a non-negative number). */
  readonly clockSkewSeconds?: number;
  /** Bound on the decompressed list (default 16 MiB). */
  readonly maxListBytes?: number;
  /**
   * Historical resolution (§8.4): the token must have been valid at this time (seconds):
   * `iat <= historicalTime < exp`. The token may have expired since; `maxAgeSeconds` is not applied.
   */
  readonly historicalTime?: number;
}

/** The time claims of a verified Status List Token. */
export interface StatusListTokenInfo {
  readonly iat: number;
  readonly exp?: number;
  readonly ttl?: number;
}

/** A verified Status List Token. */
export interface VerifiedStatusListToken {
  readonly token: StatusListTokenInfo;
  /** `sub`, equal to the reference's `uri`. */
  readonly uri: string;
  readonly list: StatusList;
  readonly aggregationUri?: string;
  /** The configured key that verified the signature. */
  readonly key: Jwk;
  readonly alg: SignatureAlgorithm;
}

/** @internal Verification with a pluggable list decoder (the cache reuses decoded lists). */
export async function verifyStatusListJwtWith(
  token: string,
  given: VerifyStatusListTokenOptions,
  decodeList: (statusList: unknown, maxBytes: number) => DecodedStatusList,
): Promise<VerifiedStatusListToken> {
  // Read once: what is checked below is what is used after the awaits.
  const options = snapshotOptions(given);
  checkContext(options);
  const allowed = options.allowedAlgorithms ?? DEFAULT_SIGNATURE_ALGORITHMS;

  // §5.1: form, explicit type, then the signature, before any claim is trusted or the list inflated.
  const jws = decodeCompactJws(token, WHAT, PREFIX);
  if (!isStatusListTyp(jws.header.typ)) throw statusError('ERR_STATUS_TOKEN_TYP', 'the token type is not statuslist+jwt');
  const alg = checkAlgorithm(jws.header.alg, allowed, WHAT, PREFIX);
  const kid = jws.header.kid;
  if (kid !== undefined && typeof kid !== 'string') throw statusError('ERR_STATUS_TOKEN_MALFORMED', 'the token header "kid" is not a string');
  const key = await verifyWithKeys(jws.header, kid, alg, options, (candidate) => options.ctx.crypto.verify(alg, candidate, jws.signingInput, jws.signature));

  const claims = readClaims(jws.payload);
  return verifiedToken(claims, options, decodeList, key, alg);
}

/**
 * Verifies a Status List Token in JWT format: `typ` is `statuslist+jwt`, the algorithm is
 * allowed, the signature verifies with one of the configured keys, the claims have their
 * types, `sub` equals the reference `uri`, `exp` has not passed, `iat` (and `nbf`) are not in
 * the future, then the list decodes within the size limit. Throws on the first failure.
 *
 * @example
 * ```ts
 * const { list, token } = await verifyStatusListJwt(jwt, { ctx, keys: [statusIssuerJwk], uri });
 * list.get(42);
 * ```
 * @throws ComityError `ERR_STATUS_TOKEN_MALFORMED`, `ERR_STATUS_TOKEN_CRIT_UNSUPPORTED`, `ERR_STATUS_TOKEN_TYP`,
 * `ERR_STATUS_TOKEN_ALG_NOT_ALLOWED`, `ERR_STATUS_TOKEN_KEY_UNKNOWN`, `ERR_STATUS_TOKEN_KEY_UNTRUSTED`,
 * `ERR_STATUS_TOKEN_SIGNATURE_INVALID`, `ERR_STATUS_TOKEN_CLAIM_INVALID`, `ERR_STATUS_SUB_MISMATCH`,
 * `ERR_STATUS_TOKEN_EXPIRED`, `ERR_STATUS_TOKEN_NOT_YET_VALID`, `ERR_STATUS_TOKEN_STALE`, `ERR_STATUS_TOKEN_HISTORICAL_MISMATCH`, `ERR_STATUS_BITS_INVALID`,
 * `ERR_STATUS_LIST_MALFORMED`, `ERR_STATUS_LIST_CORRUPT`, `ERR_STATUS_LIST_TOO_LARGE`
 * @throws ComityUsageError `ERR_USAGE_CONTEXT`, `ERR_USAGE_STATUS_TIME` (`clockSkewSeconds` or `maxAgeSeconds` not a
 * non-negative number, `historicalTime` not a non-negative integer), `ERR_USAGE_STATUS_KEYS`
 * @see draft-ietf-oauth-status-list-20 §5.1, §8.3, §8.4
 */
export async function verifyStatusListJwt(token: string, options: VerifyStatusListTokenOptions): Promise<VerifiedStatusListToken> {
  return verifyStatusListJwtWith(token, options, (statusList, maxBytes) => decodeStatusList(statusList, { maxBytes }));
}

/** RFC 7515 §4.1.9: `typ` is a media type, compared case-insensitively, `application/` optional. */
function isStatusListTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  return t === 'statuslist+jwt' || t === 'application/statuslist+jwt';
}

interface Claims extends TokenClaims {
  readonly statusList: unknown;
}

function numericDate(payload: JsonObject, name: string, required: boolean): number | undefined {
  const v = payload[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw statusError('ERR_STATUS_TOKEN_CLAIM_INVALID', `the token "${name}" claim is missing or not a NumericDate`, { path: [name] });
  }
  return v;
}

function readClaims(payload: JsonObject): Claims {
  const sub = payload.sub;
  if (typeof sub !== 'string') throw statusError('ERR_STATUS_TOKEN_CLAIM_INVALID', 'the token "sub" claim is missing or not a string', { path: ['sub'] });
  const iat = numericDate(payload, 'iat', true) as number;
  const exp = numericDate(payload, 'exp', false);
  const nbf = numericDate(payload, 'nbf', false);
  const ttl = payload.ttl;
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)) {
    throw statusError('ERR_STATUS_TOKEN_CLAIM_INVALID', 'the token "ttl" claim is not a positive number', { path: ['ttl'] });
  }
  if (!isPlainObject(payload.status_list)) {
    throw statusError('ERR_STATUS_TOKEN_CLAIM_INVALID', 'the token "status_list" claim is missing or not an object', { path: ['status_list'] });
  }
  return {
    sub,
    iat,
    statusList: payload.status_list,
    ...(exp === undefined ? {} : { exp }),
    ...(nbf === undefined ? {} : { nbf }),
    ...(ttl === undefined ? {} : { ttl }),
  };
}
