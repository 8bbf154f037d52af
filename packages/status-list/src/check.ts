/**
 * Verifier side: resolve a Referenced Token's status (§8): fetch the Status List Token,
 * verify it with the status issuer's keys, and read the status at `idx`.
 *
 * @module
 */
import { ComityError, ComityUsageError, epochSeconds, type Issue, toIssue, utf8Decode } from '@comity/core';
import type { StatusListCache } from './cache.js';
import { type DecodedStatusList, decodeStatusList, readCborStatusList } from './decode.js';
import { statusError } from './errors.js';
import { checkStatusResourceUrl, fetchStatusResource } from './internal/fetch.js';
import { checkContext, snapshotOptions } from './internal/token-checks.js';
import { checkReference, type StatusReference } from './parse-reference.js';
import { STATUS_LIST_CWT_TYP } from './sign-cwt.js';
import { STATUS_LIST_JWT_MEDIA_TYPE } from './sign-jwt.js';
import { STATUS_VALID, type StatusLabel, statusLabel } from './status-list.js';
import { verifyStatusListCwtWith } from './verify-cwt.js';
import { type StatusListTokenInfo, type VerifiedStatusListToken, type VerifyStatusListTokenOptions, verifyStatusListJwtWith } from './verify-jwt.js';

/** Default bound on a fetched Status List Token: 4 MiB. */
export const DEFAULT_MAX_STATUS_TOKEN_BYTES = 4 * 1024 * 1024;

/** Options of {@link checkStatus} and {@link verifyStatus}. */
export interface CheckStatusOptions extends Omit<VerifyStatusListTokenOptions, 'uri'> {
  /** Allow `http:` to loopback addresses (tests, local services). Default false: HTTPS only. */
  readonly allowLoopbackHttp?: boolean;
  /**
   * Reuse fetched tokens while their `ttl` allows, within the cache's bounds (for
   * {@link createStatusListCache}: at least 60 s, at most a day, never past `exp`). Concurrent
   * checks of one URI through one cache share one request.
   */
  readonly cache?: StatusListCache;
  /**
   * Largest token body accepted (default 4 MiB). A JWT's payload is also bounded by core's
   * JSON limit (1 MiB of decoded JSON), so JWT lists compressing to more than ~1 MiB need the CWT form.
   */
  readonly maxTokenBytes?: number;
  /** Fetch timeout in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /**
   * Token format to request: `jwt` (default, `application/statuslist+jwt`), `cwt`
   * (`application/statuslist+cwt`), or `any`: both are asked for and the body decides (a CBOR
   * tag is a CWT, anything else must be a compact JWT). The token is verified either way.
   */
  readonly format?: 'jwt' | 'cwt' | 'any';
}

/** A resolved status. */
export interface StatusCheck {
  /** The raw status value at `idx`. */
  readonly status: number;
  readonly label: StatusLabel;
  /** Time claims of the Status List Token that was used. */
  readonly token: StatusListTokenInfo;
}

/**
 * Fetches (or takes from the cache), verifies and reads the status of one Referenced
 * Token. Resolves to the status whatever it is (VALID, INVALID, ...); throws when no
 * statement about the status can be made. With `historicalTime` the status at that past
 * time is requested (`?time=`, §8.4), bypassing the cache. Every error carries an `ERR_STATUS_*` code,
 * never a credential code.
 *
 * @example
 * ```ts
 * const ref = parseStatusReference(claims.status);
 * const { status, label } = await checkStatus(ref, { ctx, keys: [statusIssuerJwk], cache });
 * if (label !== 'VALID') reject();
 * ```
 * @throws ComityError `ERR_STATUS_REFERENCE_INVALID`, `ERR_STATUS_FETCH_FAILED`, `ERR_STATUS_FETCH_TOO_LARGE`,
 * `ERR_STATUS_FETCH_URL_NOT_ALLOWED`, every code of {@link verifyStatusListJwt}, `ERR_STATUS_INDEX_OUT_OF_RANGE`,
 * `ERR_STATUS_CHECK_FAILED` (anything else, with `details.reason`)
 * @see draft-ietf-oauth-status-list-20 §8.1, §8.2, §8.3, §8.4
 */
export async function checkStatus(reference: StatusReference, options: CheckStatusOptions): Promise<StatusCheck> {
  try {
    return await resolveStatus(reference, options);
  } catch (cause) {
    throw asStatusError(cause);
  }
}

/** Outcome of {@link verifyStatus}. */
export interface StatusVerificationResult {
  /** True only when the status was resolved and is VALID (or one of `acceptedStatuses`). */
  readonly valid: boolean;
  readonly status?: number;
  readonly label?: StatusLabel;
  readonly token?: StatusListTokenInfo;
  /** Why the status was not resolved, or `ERR_STATUS_REVOKED` / `ERR_STATUS_SUSPENDED` / `ERR_STATUS_NOT_ACCEPTED`. */
  readonly errors: readonly Issue[];
}

/**
 * Like {@link checkStatus} but never throws on input: returns `{ valid, status, label, errors }`.
 * `valid` is true only when the status is VALID (or listed in `acceptedStatuses`); INVALID
 * and SUSPENDED are rejected by default.
 *
 * @example
 * ```ts
 * const result = await verifyStatus(ref, { ctx, keys: [statusIssuerJwk] });
 * if (!result.valid) console.log(result.errors.map((e) => e.code)); // ['ERR_STATUS_REVOKED']
 * ```
 * @throws ComityUsageError on caller mistakes only
 * @see draft-ietf-oauth-status-list-20 §7.1, §8.3
 */
export async function verifyStatus(
  reference: StatusReference,
  given: CheckStatusOptions & { readonly acceptedStatuses?: readonly number[] },
): Promise<StatusVerificationResult> {
  // Read once: `acceptedStatuses` is applied after the fetch, as it was when the call started.
  const options = snapshotOptions(given);
  let check: StatusCheck;
  try {
    check = await resolveStatus(reference, options);
  } catch (cause) {
    if (cause instanceof ComityUsageError) throw cause;
    return { valid: false, errors: [toIssue(asStatusError(cause))] };
  }
  const accepted = options.acceptedStatuses ?? [STATUS_VALID];
  if (accepted.includes(check.status)) return { valid: true, ...check, errors: [] };
  const code = check.label === 'INVALID' ? 'ERR_STATUS_REVOKED' : check.label === 'SUSPENDED' ? 'ERR_STATUS_SUSPENDED' : 'ERR_STATUS_NOT_ACCEPTED';
  return { valid: false, ...check, errors: [{ code, message: `the referenced token's status is ${check.label}` }] };
}

function asStatusError(cause: unknown): unknown {
  if (cause instanceof ComityUsageError) return cause;
  if (cause instanceof ComityError && cause.code.startsWith('ERR_STATUS_')) return cause;
  const reason = cause instanceof ComityError ? cause.code : 'internal';
  return statusError('ERR_STATUS_CHECK_FAILED', 'the status could not be checked', { reason }, cause);
}

async function resolveStatus(reference: StatusReference, options: CheckStatusOptions): Promise<StatusCheck> {
  const { idx, uri } = checkReference(reference, ['status', 'status_list']);
  const verified = await loadStatusList(uri, options);
  const status = verified.list.get(idx);
  return { status, label: statusLabel(status), token: verified.token };
}

/**
 * @internal Fetches (or takes from the cache) and verifies the Status List Token at `uri`.
 * Also used to prefetch the lists of an aggregation.
 */
export async function loadStatusList(uri: string, given: CheckStatusOptions): Promise<VerifiedStatusListToken> {
  // Read once: the options checked before the fetch are the ones the token is verified with.
  const options = snapshotOptions(given);
  if (options === undefined || options.ctx === undefined) throw new ComityUsageError('ERR_USAGE_CONTEXT', 'options.ctx is required');
  if (options.format !== undefined && options.format !== 'jwt' && options.format !== 'cwt' && options.format !== 'any') {
    throw new ComityUsageError('ERR_USAGE_STATUS_FORMAT', 'format must be "jwt", "cwt" or "any"');
  }
  const { ctx, cache } = options;
  // Time options are checked before anything is fetched (the verifiers check them again).
  checkContext(options);
  if (options.historicalTime !== undefined) {
    const time = options.historicalTime;
    if (!Number.isSafeInteger(time) || time < 0) throw new ComityUsageError('ERR_USAGE_STATUS_TIME', 'historicalTime must be a non-negative integer');
    // §8.4: GET <uri>?time=<timestamp>; a historical answer is never cached.
    return verifyToken(await fetchToken(historicalUrl(uri, time), options), uri, options, undefined);
  }
  // The caller's URL policy applies to cache hits too: an entry another caller fetched (say with
  // allowLoopbackHttp) is not handed to a caller that may not fetch that uri itself.
  checkStatusResourceUrl(uri, options.allowLoopbackHttp === true, 'the status list token');
  const cached = cache?.get(uri, epochSeconds(ctx));
  // A cached token larger than this caller accepts is not handed to it (the fetch below refuses it).
  if (cached !== undefined && cached.token.length <= (options.maxTokenBytes ?? DEFAULT_MAX_STATUS_TOKEN_BYTES)) {
    try {
      return await verifyToken(cached.token, uri, options, cached.decoded);
    } catch {
      // Not for this caller (its keys, age limit or list size): fetch for it, and leave the
      // entry to the callers it serves. A fresh token that verifies replaces it.
    }
  }
  const fetchedAt = epochSeconds(ctx);
  const token = await (cache === undefined ? fetchToken(uri, options) : sharedFetch(cache, uri, options));
  return verifyToken(token, uri, options, undefined, (decoded, info) => {
    cache?.set(uri, { token, fetchedAt, decoded, ...(info.ttl === undefined ? {} : { ttl: info.ttl }), ...(info.exp === undefined ? {} : { exp: info.exp }) });
  });
}

/** A memoised list is reused only within this caller's own size limit. */
function fits(decoded: DecodedStatusList | undefined, maxBytes: number): boolean {
  return decoded !== undefined && (decoded.list.size * decoded.list.bits) / 8 <= maxBytes;
}

async function verifyToken(
  token: string | Uint8Array,
  uri: string,
  options: CheckStatusOptions,
  memo: DecodedStatusList | undefined,
  onVerified?: (decoded: DecodedStatusList, info: StatusListTokenInfo) => void,
): Promise<VerifiedStatusListToken> {
  let decoded: DecodedStatusList | undefined = memo;
  const verifyOptions = { ...options, uri };
  const verified =
    typeof token === 'string'
      ? await verifyStatusListJwtWith(token, verifyOptions, (statusList, maxBytes) => {
          if (!fits(decoded, maxBytes)) decoded = decodeStatusList(statusList, { maxBytes });
          return decoded as DecodedStatusList;
        })
      : await verifyStatusListCwtWith(token, verifyOptions, (statusList, maxBytes) => {
          if (!fits(decoded, maxBytes)) decoded = readCborStatusList(statusList, maxBytes);
          return decoded as DecodedStatusList;
        });
  onVerified?.(decoded as DecodedStatusList, verified.token);
  return verified;
}

/** The §8.4 request URL: the reference URI with `time=<timestamp>` added to its query. */
function historicalUrl(uri: string, time: number): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch (cause) {
    throw statusError('ERR_STATUS_REFERENCE_INVALID', 'the status_list uri is not a URL', undefined, cause);
  }
  url.search = url.search === '' ? `?time=${time}` : `${url.search}&time=${time}`;
  return url.toString();
}

// Concurrent checks against one cache share one request per URI and fetch policy (sd-jwt-js
// #305: the same list fetched twice). Each caller still verifies the token with its own keys.
// Requests are shared per cache and per fetch function: callers with their own fetch (a proxy,
// a tenant's client) never ride on another's request.
const inFlight = new WeakMap<StatusListCache, WeakMap<object, Map<string, Promise<string | Uint8Array>>>>();
const NO_FETCH = {};

function sharedFetch(cache: StatusListCache, uri: string, options: CheckStatusOptions): Promise<string | Uint8Array> {
  let byFetch = inFlight.get(cache);
  if (byFetch === undefined) {
    byFetch = new WeakMap();
    inFlight.set(cache, byFetch);
  }
  const fetcher: object = options.ctx.fetch ?? NO_FETCH;
  let pending = byFetch.get(fetcher);
  if (pending === undefined) {
    pending = new Map();
    byFetch.set(fetcher, pending);
  }
  const key = JSON.stringify([uri, options.format ?? 'jwt', options.allowLoopbackHttp === true, options.maxTokenBytes ?? null, options.timeoutMs ?? null]);
  let request = pending.get(key);
  if (request === undefined) {
    const map = pending;
    request = fetchToken(uri, options).finally(() => map.delete(key));
    pending.set(key, request);
  }
  return request;
}

const ACCEPT = { jwt: STATUS_LIST_JWT_MEDIA_TYPE, cwt: STATUS_LIST_CWT_TYP, any: `${STATUS_LIST_JWT_MEDIA_TYPE}, ${STATUS_LIST_CWT_TYP}` } as const;

async function fetchToken(url: string, options: CheckStatusOptions): Promise<string | Uint8Array> {
  const format = options.format ?? 'jwt';
  const body = await fetchStatusResource(
    options.ctx,
    url,
    {
      accept: ACCEPT[format],
      maxBytes: options.maxTokenBytes ?? DEFAULT_MAX_STATUS_TOKEN_BYTES,
      // §8.2: clients SHOULD follow redirects; every hop is checked like the first.
      maxRedirects: 3,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      allowLoopbackHttp: options.allowLoopbackHttp === true,
    },
    'the status list token',
  );
  // A CWT Status List Token is a tagged COSE_Sign1 (major type 6); a compact JWT is ASCII text.
  if (format === 'cwt' || (format === 'any' && body.length > 0 && (body[0] as number) >> 5 === 6)) return body;
  let text: string;
  try {
    text = utf8Decode(body, 'status list token');
  } catch (cause) {
    throw statusError('ERR_STATUS_TOKEN_MALFORMED', 'the status list token is not UTF-8 text', undefined, cause);
  }
  // Static hosting often appends a newline; nothing else around the compact JWS is accepted.
  // A loop, not /[\r\n]+$/: that regex backtracks quadratically over a body of many line breaks
  // followed by anything else, blocking the event loop for minutes whatever `timeoutMs` says.
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x0a || text.charCodeAt(end - 1) === 0x0d)) end--;
  return text.slice(0, end);
}
