/**
 * Issuer side: a fixed-size status list with random index allocation.
 *
 * @module
 */
import { ComityUsageError, type CryptoProvider, defaultCrypto } from '@comity/core';
import { type EncodedStatusList, type EncodeStatusListOptions, encodeStatusList } from './encode.js';
import { statusError } from './errors.js';
import { STATUS_INVALID, STATUS_SUSPENDED, STATUS_VALID, type StatusBits, StatusList } from './status-list.js';

/** Options of {@link StatusListBuilder}. */
export interface StatusListBuilderOptions {
  /** Number of Referenced Tokens the list can hold (fixed for its lifetime). */
  readonly size: number;
  /** Bits per status: 1 (VALID/INVALID), 2 (adds SUSPENDED and one application value), 4 or 8. */
  readonly bits: StatusBits;
  /** Source of randomness for index allocation (default: the runtime's crypto provider). */
  readonly crypto?: Pick<CryptoProvider, 'randomBytes'>;
}

/**
 * Builds a status list for an issuer. Indices are drawn uniformly at random among the
 * unused ones, so an index reveals nothing about issuance order (§12.5, §13.2), and every
 * index is handed out at most once (§13.3).
 *
 * @example
 * ```ts
 * const builder = new StatusListBuilder({ size: 100_000, bits: 2 });
 * const idx = builder.allocate();        // put { idx, uri } into the credential
 * builder.suspend(idx);
 * builder.revoke(idx);
 * const encoded = builder.encode();      // { bits: 2, lst: '...' }
 * ```
 * @see draft-ietf-oauth-status-list-20 §4.1, §12.5, §13.2, §13.3
 */
export class StatusListBuilder {
  readonly #list: StatusList;
  readonly #used: Uint8Array;
  readonly #random: (length: number) => Uint8Array;
  #allocated = 0;

  /** @throws ComityUsageError `ERR_USAGE_STATUS_BITS`, `ERR_USAGE_STATUS_SIZE` */
  constructor(options: StatusListBuilderOptions) {
    this.#list = new StatusList(options.size, options.bits);
    this.#used = new Uint8Array(Math.ceil(options.size / 8));
    const crypto = options.crypto ?? defaultCrypto;
    this.#random = (length) => crypto.randomBytes(length);
  }

  /** Bits per status. */
  get bits(): StatusBits {
    return this.#list.bits;
  }

  /** Capacity of the list. */
  get size(): number {
    return this.#list.size;
  }

  /** Number of indices handed out so far. */
  get allocated(): number {
    return this.#allocated;
  }

  /** True when `index` was handed out by {@link allocate} or marked with {@link markAllocated}. */
  isAllocated(index: number): boolean {
    this.#checkIndex(index);
    // `>>>`, not `>>`: indices reach 2^32 - 1, and `>>` reads 2^31 and above as negative.
    return ((this.#used[index >>> 3] as number) & (1 << (index & 7))) !== 0;
  }

  /**
   * Hands out a random unused index.
   *
   * @throws ComityError `ERR_STATUS_LIST_FULL` when every index is in use
   */
  allocate(): number {
    const size = this.size;
    const free = size - this.#allocated;
    if (free === 0) throw statusError('ERR_STATUS_LIST_FULL', 'every index of the status list is in use', { size });
    let index = -1;
    // Rejection sampling is fast while the list is at most 3/4 full; past that, pick the
    // k-th free index for a uniform k, so allocation never loops for long.
    if (free * 4 >= size) {
      for (let tries = 0; tries < 64 && index < 0; tries++) {
        const candidate = this.#uniform(size);
        if (!this.isAllocated(candidate)) index = candidate;
      }
    }
    if (index < 0) index = this.#nthFree(this.#uniform(free));
    this.#mark(index);
    return index;
  }

  /**
   * Records an index as used without drawing it (e.g. restoring state from storage).
   *
   * @throws ComityUsageError `ERR_USAGE_STATUS_INDEX`
   */
  markAllocated(index: number): void {
    if (!this.isAllocated(index)) this.#mark(index);
  }

  /** The status at `index`. @throws ComityUsageError `ERR_USAGE_STATUS_INDEX` */
  get(index: number): number {
    this.#checkIndex(index);
    return this.#list.get(index);
  }

  /**
   * Sets any status value that fits `bits` (registered or application specific).
   *
   * @throws ComityUsageError `ERR_USAGE_STATUS_INDEX`, `ERR_USAGE_STATUS_VALUE`
   */
  set(index: number, status: number): void {
    this.#checkIndex(index);
    this.#list.set(index, status);
  }

  /** Sets INVALID (0x01, revoked). */
  revoke(index: number): void {
    this.set(index, STATUS_INVALID);
  }

  /** Sets SUSPENDED (0x02); needs `bits >= 2`. @throws ComityUsageError `ERR_USAGE_STATUS_VALUE` with bits=1 */
  suspend(index: number): void {
    this.set(index, STATUS_SUSPENDED);
  }

  /** Sets VALID (0x00) again, e.g. to lift a suspension. */
  reinstate(index: number): void {
    this.set(index, STATUS_VALID);
  }

  /** A snapshot of the list. */
  toStatusList(): StatusList {
    return StatusList.fromBytes(this.#list.toBytes(), this.#list.bits);
  }

  /** The JSON StatusList (§4.2) of the current state. */
  encode(options: EncodeStatusListOptions = {}): EncodedStatusList {
    return encodeStatusList(this.#list, options);
  }

  #checkIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new ComityUsageError('ERR_USAGE_STATUS_INDEX', 'index is outside the status list');
    }
  }

  #mark(index: number): void {
    this.#used[index >>> 3] = (this.#used[index >>> 3] as number) | (1 << (index & 7));
    this.#allocated++;
  }

  /** Uniform integer in [0, n), n <= 2^32, by rejection over 48 random bits. */
  #uniform(n: number): number {
    const range = 2 ** 48;
    const limit = range - (range % n);
    for (;;) {
      const b = this.#random(6);
      let v = 0;
      for (let i = 0; i < 6; i++) v = v * 256 + (b[i] as number);
      if (v < limit) return v % n;
    }
  }

  #nthFree(k: number): number {
    let remaining = k;
    for (let byteIndex = 0; byteIndex < this.#used.length; byteIndex++) {
      const byte = this.#used[byteIndex] as number;
      if (byte === 0xff) continue;
      for (let bit = 0; bit < 8; bit++) {
        const index = byteIndex * 8 + bit;
        if (index >= this.size) break;
        if ((byte & (1 << bit)) === 0) {
          if (remaining === 0) return index;
          remaining--;
        }
      }
    }
    throw new Error('unreachable: free index count out of sync');
  }
}
