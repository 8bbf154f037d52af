/**
 * `@comity/status-list`: IETF Token Status List (draft-ietf-oauth-status-list-20).
 *
 * - Encoding: {@link StatusList}, {@link encodeStatusList} / {@link decodeStatusList} (JSON, §4.2)
 *   and {@link encodeStatusListCbor} / {@link decodeStatusListCbor} (CBOR, §4.3).
 *
 * Every error on untrusted input is a `ComityError` with an `ERR_STATUS_*` code.
 *
 * @module
 */
export {
  DEFAULT_MAX_STATUS_LIST_BYTES,
  type DecodedStatusList,
  type DecodeStatusListOptions,
  decodeStatusList,
  decodeStatusListCbor,
} from './decode.js';
export { type EncodedStatusList, type EncodeStatusListOptions, encodeStatusList, encodeStatusListCbor } from './encode.js';
export { STATUS_ERROR_CODES, type StatusErrorCode } from './errors.js';
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
