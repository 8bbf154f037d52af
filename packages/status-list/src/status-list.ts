/**
 * The Status List data structure: a byte array holding one `bits`-wide status per
 * Referenced Token, packed from the least significant bit of each byte.
 *
 * @module
 */
import { ComityUsageError } from '@comity/core';
import { statusError } from './errors.js';

/** Bits per status allowed by §4.1: 1, 2, 4 or 8. */
export type StatusBits = 1 | 2 | 4 | 8;

/** Status Type 0x00: the Referenced Token is valid (§7.1). */
export const STATUS_VALID = 0x00;
/** Status Type 0x01: the Referenced Token is revoked (§7.1). */
export const STATUS_INVALID = 0x01;
/** Status Type 0x02: the Referenced Token is temporarily suspended (§7.1). */
export const STATUS_SUSPENDED = 0x02;

/** What a status value means: the three registered types, or application specific for anything else. */
export type StatusLabel = 'VALID' | 'INVALID' | 'SUSPENDED' | 'APPLICATION_SPECIFIC';

/**
 * Names a status value. 0, 1 and 2 are the registered types; 0x03 and 0x0C-0x0F are
 * reserved as application specific, and every other value (not yet registered) is also
 * reported as `APPLICATION_SPECIFIC` for the application to interpret.
 *
 * @example
 * ```ts
 * statusLabel(1); // 'INVALID'
 * ```
 * @see draft-ietf-oauth-status-list-20 §7.1
 */
export function statusLabel(status: number): StatusLabel {
  if (status === STATUS_VALID) return 'VALID';
  if (status === STATUS_INVALID) return 'INVALID';
  if (status === STATUS_SUSPENDED) return 'SUSPENDED';
  return 'APPLICATION_SPECIFIC';
}

/**
 * True when `bits` is 1, 2, 4 or 8 (a number, not a string).
 *
 * @example
 * ```ts
 * isStatusBits(2); // true
 * isStatusBits('2'); // false
 * ```
 * @see draft-ietf-oauth-status-list-20 §4.1 step 1
 */
export function isStatusBits(bits: unknown): bits is StatusBits {
  return bits === 1 || bits === 2 || bits === 4 || bits === 8;
}

/** Largest status list this package builds in memory: 2^32 entries or 512 MiB. */
const MAX_ENTRIES = 2 ** 32;

/**
 * A status list in memory. Index `i` lives in byte `floor(i * bits / 8)`, at bit offset
 * `(i * bits) % 8` counted from the least significant bit.
 *
 * @example
 * ```ts
 * const list = new StatusList(16, 1);
 * list.set(3, STATUS_INVALID);
 * list.get(3); // 1
 * ```
 * @see draft-ietf-oauth-status-list-20 §4.1, §11.1
 */
export class StatusList {
  /** Bits per status. */
  readonly bits: StatusBits;
  /** Number of statuses the list holds (a decoded list holds `bytes * 8 / bits`). */
  readonly size: number;
  readonly #bytes: Uint8Array;

  /**
   * A list of `size` statuses, all VALID (0).
   *
   * @throws ComityUsageError `ERR_USAGE_STATUS_BITS`, `ERR_USAGE_STATUS_SIZE`
   */
  constructor(size: number, bits: StatusBits) {
    if (!isStatusBits(bits)) throw new ComityUsageError('ERR_USAGE_STATUS_BITS', 'bits must be 1, 2, 4 or 8');
    if (!Number.isSafeInteger(size) || size < 1 || size > MAX_ENTRIES) {
      throw new ComityUsageError('ERR_USAGE_STATUS_SIZE', 'size must be an integer between 1 and 2^32');
    }
    this.bits = bits;
    this.size = size;
    this.#bytes = new Uint8Array(Math.ceil((size * bits) / 8));
  }

  /**
   * A list over a copy of an uncompressed byte array; it holds `bytes.length * 8 / bits` statuses.
   *
   * @example
   * ```ts
   * const list = StatusList.fromBytes(new Uint8Array([0xb9, 0xa3]), 1);
   * list.get(0); // 1
   * ```
   * @throws ComityUsageError `ERR_USAGE_STATUS_BITS`, `ERR_USAGE_STATUS_SIZE` (empty array)
   */
  static fromBytes(bytes: Uint8Array, bits: StatusBits): StatusList {
    if (!(bytes instanceof Uint8Array)) throw new ComityUsageError('ERR_USAGE_STATUS_SIZE', 'bytes must be a Uint8Array');
    if (!isStatusBits(bits)) throw new ComityUsageError('ERR_USAGE_STATUS_BITS', 'bits must be 1, 2, 4 or 8');
    const list = new StatusList((bytes.length * 8) / bits, bits);
    list.#bytes.set(bytes);
    return list;
  }

  /**
   * The status at `index`. The index usually comes from a credential, so a bad one is a
   * `ComityError`, not a usage error.
   *
   * @throws ComityError `ERR_STATUS_INDEX_OUT_OF_RANGE`
   * @see draft-ietf-oauth-status-list-20 §8.3 step 6
   */
  get(index: number): number {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw statusError('ERR_STATUS_INDEX_OUT_OF_RANGE', 'the status index is outside the status list', { size: this.size });
    }
    const bitOffset = index * this.bits;
    const byte = this.#bytes[Math.floor(bitOffset / 8)] as number;
    return (byte >> (bitOffset % 8)) & ((1 << this.bits) - 1);
  }

  /**
   * Sets the status at `index` to `value` (0 to 2^bits - 1).
   *
   * @throws ComityUsageError `ERR_USAGE_STATUS_INDEX`, `ERR_USAGE_STATUS_VALUE`
   */
  set(index: number, value: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new ComityUsageError('ERR_USAGE_STATUS_INDEX', 'index is outside the status list');
    }
    const max = (1 << this.bits) - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new ComityUsageError('ERR_USAGE_STATUS_VALUE', `a status must be an integer from 0 to ${max} for bits=${this.bits}`);
    }
    const bitOffset = index * this.bits;
    const at = Math.floor(bitOffset / 8);
    const shift = bitOffset % 8;
    const byte = this.#bytes[at] as number;
    this.#bytes[at] = (byte & ~(max << shift)) | (value << shift);
  }

  /** A copy of the uncompressed byte array. */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }
}
