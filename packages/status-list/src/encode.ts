/**
 * Status List encoding: the compressed byte array in its JSON (§4.2) and CBOR (§4.3) forms.
 *
 * @module
 */
import { base64urlEncode, ComityUsageError } from '@comity/core';
import { cborEncode } from './internal/cbor.js';
import { zlibCompress } from './internal/zlib.js';
import { type StatusBits, StatusList } from './status-list.js';

/** The JSON StatusList structure of §4.2. */
export interface EncodedStatusList {
  readonly bits: StatusBits;
  /** base64url of the ZLIB-compressed byte array. */
  readonly lst: string;
  /** URI of the Status List Aggregation (§9). */
  readonly aggregation_uri?: string;
}

/** Options of {@link encodeStatusList} and {@link encodeStatusListCbor}. */
export interface EncodeStatusListOptions {
  /** Adds `aggregation_uri` (§9). */
  readonly aggregationUri?: string;
}

function checkList(list: StatusList): void {
  if (!(list instanceof StatusList)) throw new ComityUsageError('ERR_USAGE_STATUS_LIST', 'expected a StatusList');
}

/**
 * Compresses a status list (ZLIB, level 9) and returns the JSON structure of §4.2.
 * The output is byte-identical to the draft's examples.
 *
 * @example
 * ```ts
 * const list = StatusList.fromBytes(new Uint8Array([0xb9, 0xa3]), 1);
 * encodeStatusList(list); // { bits: 1, lst: 'eNrbuRgAAhcBXQ' }
 * ```
 * @throws ComityUsageError `ERR_USAGE_STATUS_LIST`
 * @see draft-ietf-oauth-status-list-20 §4.1, §4.2
 */
export function encodeStatusList(list: StatusList, options: EncodeStatusListOptions = {}): EncodedStatusList {
  checkList(list);
  const lst = base64urlEncode(zlibCompress(list.toBytes()));
  if (options.aggregationUri === undefined) return { bits: list.bits, lst };
  return { bits: list.bits, lst, aggregation_uri: options.aggregationUri };
}

/**
 * Compresses a status list and returns the CBOR StatusList map of §4.3
 * (`{"bits": uint, "lst": bstr}`).
 *
 * @example
 * ```ts
 * const cbor = encodeStatusListCbor(StatusList.fromBytes(new Uint8Array([0xb9, 0xa3]), 1));
 * // a2 64 62697473 01 63 6c7374 4a 78dadbb918000217015d
 * ```
 * @throws ComityUsageError `ERR_USAGE_STATUS_LIST`
 * @see draft-ietf-oauth-status-list-20 §4.3
 */
export function encodeStatusListCbor(list: StatusList, options: EncodeStatusListOptions = {}): Uint8Array {
  return cborEncode(statusListCborValue(list, options));
}

/** @internal The CBOR StatusList map as a value (for embedding into a CWT claims set). */
export function statusListCborValue(list: StatusList, options: EncodeStatusListOptions = {}): Record<string, unknown> {
  checkList(list);
  const lst = zlibCompress(list.toBytes());
  if (options.aggregationUri === undefined) return { bits: list.bits, lst };
  return { bits: list.bits, lst, aggregation_uri: options.aggregationUri };
}
