/**
 * Verifier side: a Status List Token in JWT format, verified with the status issuer's own
 * keys (separate from the credential issuer's key setup, sd-jwt-js #305).
 *
 * @module
 */
import {
  type ComityContext,
  ComityError,
  ComityUsageError,
  checkAlgorithm,
  DEFAULT_SIGNATURE_ALGORITHMS,
  type DecodedJws,
  decodeCompactJws,
  epochSeconds,
  isPlainObject,
  type JsonObject,
  type Jwk,
  type SignatureAlgorithm,
  toPublicJwk,
  verifyJwsSignature,
} from '@comity/core';
import { DEFAULT_MAX_STATUS_LIST_BYTES, type DecodedStatusList, decodeStatusList } from './decode.js';
import { statusError } from './errors.js';
import type { StatusList } from './status-list.js';

const WHAT = 'status list token';
const PREFIX = 'ERR_STATUS_TOKEN';
const MAX_CANDIDATE_KEYS = 16;

/**
 * Finds the status issuer's key(s) for a token, from its protected header (`kid`, `x5c`, ...).
 * Return the keys to try; throw (any error) when the header names no trusted key.
 */
export type StatusKeyResolver = (input: { readonly header: Readonly<JsonObject>; readonly uri: string }) => Promise<readonly Jwk[]> | readonly Jwk[];

/** Options of {@link verifyStatusListJwt}. */
export interface VerifyStatusListJwtOptions {
  readonly ctx: ComityContext;
  /** The status issuer's public keys, or a resolver. Never the credential issuer's setup by default. */
  readonly keys: readonly Jwk[] | StatusKeyResolver;
  /** The `uri` of the reference: `sub` must equal it. */
  readonly uri: string;
  /** Algorithm allow-list (default {@link DEFAULT_SIGNATURE_ALGORITHMS}). */
  readonly allowedAlgorithms?: readonly SignatureAlgorithm[];
  /** Reject tokens whose `iat` is older than this many seconds. */
  readonly maxAgeSeconds?: number;
  /** Tolerance for `exp`, `iat` and `nbf` comparisons (default 0). */
  readonly clockSkewSeconds?: number;
  /** Bound on the decompressed list (default 16 MiB). */
  readonly maxListBytes?: number;
}

/** The time claims of a verified Status List Token. */
export interface StatusListTokenInfo {
  readonly iat: number;
  readonly exp?: number;
  readonly ttl?: number;
}

/** A verified Status List Token. */
export interface VerifiedStatusListJwt {
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
  options: VerifyStatusListJwtOptions,
  decodeList: (statusList: unknown, maxBytes: number) => DecodedStatusList,
): Promise<VerifiedStatusListJwt> {
  const { ctx } = options;
  if (ctx === undefined || typeof ctx.now !== 'function') throw new ComityUsageError('ERR_USAGE_CONTEXT', 'a ComityContext is required');
  const skew = options.clockSkewSeconds ?? 0;
  const allowed = options.allowedAlgorithms ?? DEFAULT_SIGNATURE_ALGORITHMS;

  // §5.1: form, explicit type, then the signature, before any claim is trusted or the list inflated.
  const jws = decodeCompactJws(token, WHAT, PREFIX);
  if (!isStatusListTyp(jws.header.typ)) throw statusError('ERR_STATUS_TOKEN_TYP', 'the token type is not statuslist+jwt');
  const alg = checkAlgorithm(jws.header.alg, allowed, WHAT, PREFIX);
  const key = await verifyWithKeys(jws, alg, options, allowed);

  const claims = readClaims(jws.payload);
  // §8.3 step 4a.
  if (claims.sub !== options.uri) throw statusError('ERR_STATUS_SUB_MISMATCH', 'the token subject does not match the status list uri');
  const now = epochSeconds(ctx);
  if (claims.exp !== undefined && now >= claims.exp + skew) throw statusError('ERR_STATUS_TOKEN_EXPIRED', 'the status list token has expired');
  if (claims.iat > now + skew) throw statusError('ERR_STATUS_TOKEN_NOT_YET_VALID', 'the status list token is issued in the future');
  if (claims.nbf !== undefined && claims.nbf > now + skew) throw statusError('ERR_STATUS_TOKEN_NOT_YET_VALID', 'the status list token is not yet valid');
  if (options.maxAgeSeconds !== undefined && now - claims.iat > options.maxAgeSeconds + skew) {
    throw statusError('ERR_STATUS_TOKEN_STALE', 'the status list token is older than allowed', { maxAgeSeconds: options.maxAgeSeconds });
  }
  const decoded = decodeList(claims.statusList, options.maxListBytes ?? DEFAULT_MAX_STATUS_LIST_BYTES);
  const info: StatusListTokenInfo = {
    iat: claims.iat,
    ...(claims.exp === undefined ? {} : { exp: claims.exp }),
    ...(claims.ttl === undefined ? {} : { ttl: claims.ttl }),
  };
  return {
    token: info,
    uri: claims.sub,
    list: decoded.list,
    ...(decoded.aggregationUri === undefined ? {} : { aggregationUri: decoded.aggregationUri }),
    key,
    alg,
  };
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
 * `ERR_STATUS_TOKEN_EXPIRED`, `ERR_STATUS_TOKEN_NOT_YET_VALID`, `ERR_STATUS_TOKEN_STALE`, `ERR_STATUS_BITS_INVALID`,
 * `ERR_STATUS_LIST_MALFORMED`, `ERR_STATUS_LIST_CORRUPT`, `ERR_STATUS_LIST_TOO_LARGE`
 * @see draft-ietf-oauth-status-list-20 §5.1, §8.3
 */
export async function verifyStatusListJwt(token: string, options: VerifyStatusListJwtOptions): Promise<VerifiedStatusListJwt> {
  return verifyStatusListJwtWith(token, options, (statusList, maxBytes) => decodeStatusList(statusList, { maxBytes }));
}

/** RFC 7515 §4.1.9: `typ` is a media type, compared case-insensitively, `application/` optional. */
function isStatusListTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  return t === 'statuslist+jwt' || t === 'application/statuslist+jwt';
}

async function verifyWithKeys(
  jws: DecodedJws,
  alg: SignatureAlgorithm,
  options: VerifyStatusListJwtOptions,
  allowed: readonly SignatureAlgorithm[],
): Promise<Jwk> {
  const kid = jws.header.kid;
  if (kid !== undefined && typeof kid !== 'string') throw statusError('ERR_STATUS_TOKEN_MALFORMED', 'the token header "kid" is not a string');
  let keys: readonly Jwk[];
  if (typeof options.keys === 'function') {
    try {
      keys = await options.keys({ header: jws.header, uri: options.uri });
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
  if (candidates.length === 0)
    throw statusError(
      'ERR_STATUS_TOKEN_KEY_UNKNOWN',
      'no configured key matches the status list token',
      kid === undefined ? {} : { kid: String(kid).slice(0, 64) },
    );
  for (const candidate of candidates.slice(0, MAX_CANDIDATE_KEYS)) {
    try {
      await verifyJwsSignature(jws, toPublicJwk(candidate), { algorithms: allowed, crypto: options.ctx.crypto, what: WHAT, codePrefix: PREFIX });
      return candidate;
    } catch (cause) {
      if (cause instanceof ComityError && cause.code === 'ERR_STATUS_TOKEN_SIGNATURE_INVALID') continue;
      if (cause instanceof ComityError && cause.code.startsWith('ERR_KEY_')) continue;
      throw cause;
    }
  }
  throw statusError('ERR_STATUS_TOKEN_SIGNATURE_INVALID', 'the status list token signature is invalid');
}

interface Claims {
  readonly sub: string;
  readonly iat: number;
  readonly exp?: number;
  readonly ttl?: number;
  readonly nbf?: number;
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
