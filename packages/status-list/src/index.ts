/**
 * `@comity/status-list`: IETF Token Status List (draft-ietf-oauth-status-list-20).
 *
 * - Encoding: {@link StatusList}, {@link encodeStatusList} / {@link decodeStatusList} (JSON, §4.2)
 *   and {@link encodeStatusListCbor} / {@link decodeStatusListCbor} (CBOR, §4.3).
 * - Issuer: {@link StatusListBuilder} (random index allocation), {@link signStatusListJwt} (§5.1),
 *   {@link signStatusListCwt} (§5.2).
 * - Verifier: {@link parseStatusReference} (§6.2), {@link verifyStatusListJwt} (§5.1, §8.3),
 *   {@link verifyStatusListCwt} (§5.2), {@link x5cStatusKeyResolver} (§11.3),
 *   {@link checkStatus} / {@link verifyStatus} (§8), {@link createStatusListCache} (§13.7),
 *   {@link fetchStatusListAggregation} / {@link prefetchStatusLists} (§9).
 *
 * Every error on untrusted input is a `ComityError` with an `ERR_STATUS_*` code.
 *
 * @module
 */
export {
  type FetchStatusListAggregationOptions,
  fetchStatusListAggregation,
  type ParseStatusListAggregationOptions,
  type PrefetchResult,
  parseStatusListAggregation,
  prefetchStatusLists,
} from './aggregation.js';
export { StatusListBuilder, type StatusListBuilderOptions } from './builder.js';
export {
  createStatusListCache,
  DEFAULT_STATUS_LIST_MAX_TTL_SECONDS,
  DEFAULT_STATUS_LIST_MIN_TTL_SECONDS,
  type StatusListCache,
  type StatusListCacheEntry,
  type StatusListCacheOptions,
  statusListFreshUntil,
} from './cache.js';
export {
  type CheckStatusOptions,
  checkStatus,
  DEFAULT_MAX_STATUS_TOKEN_BYTES,
  type StatusCheck,
  type StatusVerificationResult,
  verifyStatus,
} from './check.js';
export {
  DEFAULT_MAX_STATUS_LIST_BYTES,
  type DecodedStatusList,
  type DecodeStatusListOptions,
  decodeStatusList,
  decodeStatusListCbor,
} from './decode.js';
export { type EncodedStatusList, type EncodeStatusListOptions, encodeStatusList, encodeStatusListCbor } from './encode.js';
export { STATUS_ERROR_CODES, type StatusErrorCode } from './errors.js';
export { parseStatusReference, type StatusReference } from './parse-reference.js';
export { type X5cStatusKeyResolverOptions, x5cStatusKeyResolver } from './resolve-x5c.js';
export { type SignStatusListCwtOptions, STATUS_LIST_CWT_TYP, signStatusListCwt } from './sign-cwt.js';
export { type SignStatusListJwtOptions, STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_JWT_TYP, signStatusListJwt } from './sign-jwt.js';
export {
  isStatusBits,
  STATUS_INVALID,
  STATUS_SUSPENDED,
  STATUS_VALID,
  type StatusBits,
  type StatusLabel,
  StatusList,
  statusLabel,
} from './status-list.js';
export { verifyStatusListCwt } from './verify-cwt.js';
export {
  type StatusKeyResolver,
  type StatusListTokenInfo,
  type VerifiedStatusListToken,
  type VerifyStatusListTokenOptions,
  verifyStatusListJwt,
} from './verify-jwt.js';
