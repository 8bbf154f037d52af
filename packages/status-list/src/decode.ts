/**
 * Status List decoding from untrusted input: the JSON (§4.2) and CBOR (§4.3) forms, with
 * strict types, strict base64url and a bound on the decompressed size.
 *
 * @module
 */
import { base64urlDecode, ComityUsageError, decodeCbor, isPlainObject } from '@comity/core';
import { statusError } from './errors.js';
import { CBOR_LIMITS } from './internal/cbor.js';
import { zlibDecompress } from './internal/zlib.js';
import { isStatusBits, type StatusBits, StatusList } from './status-list.js';

/** Default bound on a decompressed status list: 16 MiB (134 million 1-bit statuses). */
export const DEFAULT_MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024;

/** Options of {@link decodeStatusList} and {@link decodeStatusListCbor}. */
export interface DecodeStatusListOptions {
  /** Largest decompressed byte array accepted (default {@link DEFAULT_MAX_STATUS_LIST_BYTES}). */
  readonly maxBytes?: number;
}

/** A decoded status list and its optional aggregation URI. */
export interface DecodedStatusList {
  readonly list: StatusList;
  readonly aggregationUri?: string;
}

function maxBytesOf(options: DecodeStatusListOptions): number {
  const max = options.maxBytes ?? DEFAULT_MAX_STATUS_LIST_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) throw new ComityUsageError('ERR_USAGE_STATUS_MAX_BYTES', 'maxBytes must be a positive integer');
  return max;
}

function checkBits(bits: unknown): StatusBits {
  if (!isStatusBits(bits)) throw statusError('ERR_STATUS_BITS_INVALID', 'bits must be 1, 2, 4 or 8');
  return bits;
}

/** @internal Decompresses `lst` bytes into a list. */
export function inflateList(compressed: Uint8Array, bits: StatusBits, maxBytes: number): StatusList {
  const bytes = zlibDecompress(compressed, maxBytes);
  if (bytes.length === 0) throw statusError('ERR_STATUS_LIST_CORRUPT', 'the status list is empty');
  if ((bytes.length * 8) / bits > 2 ** 32) throw statusError('ERR_STATUS_LIST_TOO_LARGE', 'the status list holds more than 2^32 entries');
  return StatusList.fromBytes(bytes, bits);
}

/**
 * Decodes the JSON StatusList structure of §4.2 (`{bits, lst}`, optional
 * `aggregation_uri`). Unknown members are ignored.
 *
 * @example
 * ```ts
 * const { list } = decodeStatusList({ bits: 1, lst: 'eNrbuRgAAhcBXQ' });
 * list.get(0); // 1
 * ```
 * @throws ComityError `ERR_STATUS_LIST_MALFORMED`, `ERR_STATUS_BITS_INVALID`, `ERR_STATUS_LIST_CORRUPT`, `ERR_STATUS_LIST_TOO_LARGE`
 * @see draft-ietf-oauth-status-list-20 §4.2, §8.3 step 5
 */
export function decodeStatusList(value: unknown, options: DecodeStatusListOptions = {}): DecodedStatusList {
  const maxBytes = maxBytesOf(options);
  if (!isPlainObject(value)) throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list is not an object');
  const bits = checkBits(value.bits);
  const lst = value.lst;
  if (typeof lst !== 'string') throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list "lst" is not a string');
  const aggregationUri = value.aggregation_uri;
  if (aggregationUri !== undefined && typeof aggregationUri !== 'string') {
    throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list "aggregation_uri" is not a string');
  }
  let compressed: Uint8Array;
  try {
    compressed = base64urlDecode(lst, 'status list');
  } catch (cause) {
    throw statusError('ERR_STATUS_LIST_CORRUPT', 'the status list "lst" is not valid base64url', undefined, cause);
  }
  const list = inflateList(compressed, bits, maxBytes);
  return aggregationUri === undefined ? { list } : { list, aggregationUri };
}

/** @internal Reads a CBOR StatusList map as returned by the strict reader (bits must be a CBOR uint). */
export function readCborStatusList(value: unknown, maxBytes: number): DecodedStatusList {
  if (!(value instanceof Map)) throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list is not a CBOR map');
  for (const key of value.keys()) {
    if (typeof key !== 'string') throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list has a non-text key');
  }
  const bits = checkBits(value.get('bits'));
  const lst: unknown = value.get('lst');
  if (!(lst instanceof Uint8Array)) throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list "lst" is not a byte string');
  const aggregationUri: unknown = value.get('aggregation_uri');
  if (aggregationUri !== undefined && typeof aggregationUri !== 'string') {
    throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list "aggregation_uri" is not a text string');
  }
  const list = inflateList(lst, bits, maxBytes);
  return aggregationUri === undefined ? { list } : { list, aggregationUri };
}

/**
 * Decodes the CBOR StatusList map of §4.3 from its encoded bytes.
 *
 * @example
 * ```ts
 * const { list } = decodeStatusListCbor(fromHex('a2646269747301636c73744a78dadbb918000217015d'));
 * list.get(3); // 1
 * ```
 * @throws ComityError `ERR_STATUS_LIST_MALFORMED`, `ERR_STATUS_BITS_INVALID`, `ERR_STATUS_LIST_CORRUPT`, `ERR_STATUS_LIST_TOO_LARGE`
 * @see draft-ietf-oauth-status-list-20 §4.3
 */
export function decodeStatusListCbor(bytes: Uint8Array, options: DecodeStatusListOptions = {}): DecodedStatusList {
  const maxBytes = maxBytesOf(options);
  if (!(bytes instanceof Uint8Array)) throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list is not a byte array');
  let value: unknown;
  try {
    value = decodeCbor(bytes, CBOR_LIMITS);
  } catch (cause) {
    throw statusError('ERR_STATUS_LIST_MALFORMED', 'the status list is not valid CBOR', undefined, cause);
  }
  return readCborStatusList(value, maxBytes);
}
