/**
 * A cache of fetched Status List Tokens that honours `ttl` and `exp` (§13.7) within bounds
 * the verifier sets (§11.5).
 *
 * @module
 */
import { ComityUsageError } from '@comity/core';
import type { DecodedStatusList } from './decode.js';

/** What {@link checkStatus} stores per status list URI. */
export interface StatusListCacheEntry {
  /** The token exactly as fetched: JWT text or CWT bytes (it is verified again on every use). */
  readonly token: string | Uint8Array;
  /** When it was fetched, seconds since the epoch. */
  readonly fetchedAt: number;
  readonly ttl?: number;
  readonly exp?: number;
  /** The decoded list of this exact token, so it is not inflated again. */
  readonly decoded?: DecodedStatusList;
}

/** Storage for fetched tokens. Implement it over Redis or similar to share between processes. */
export interface StatusListCache {
  /** The entry for `uri` if it is still fresh at `now` (seconds), else `undefined`. */
  get(uri: string, now: number): StatusListCacheEntry | undefined;
  /** Stores a freshly fetched and verified token. */
  set(uri: string, entry: StatusListCacheEntry): void;
  /** Forgets `uri`. */
  delete(uri: string): void;
}

/**
 * Default floor on how long a fetched token is served before it is fetched again: 60 s.
 * A `ttl` below it (or a token with neither `ttl` nor `exp`) could otherwise make every
 * check an outbound request (§11.5). It never extends a token past its `exp`.
 */
export const DEFAULT_STATUS_LIST_MIN_TTL_SECONDS = 60;

/** Default ceiling on how long a fetched token is served, whatever its `ttl` or `exp`: 86400 s (one day). */
export const DEFAULT_STATUS_LIST_MAX_TTL_SECONDS = 86_400;

/** Options of {@link createStatusListCache}. */
export interface StatusListCacheOptions {
  /** Most URIs kept; the least recently used is evicted first (default 64). */
  readonly maxEntries?: number;
  /**
   * Least time a token is served before it is fetched again, whatever a shorter `ttl` says
   * (default {@link DEFAULT_STATUS_LIST_MIN_TTL_SECONDS}, 60 s; §11.5). Never past the token's
   * `exp`. 0 follows `ttl` exactly (and does not cache a token with neither `ttl` nor `exp`).
   */
  readonly minTtlSeconds?: number;
  /**
   * Upper bound on how long any token is kept, whatever its `ttl` or `exp` says
   * (default {@link DEFAULT_STATUS_LIST_MAX_TTL_SECONDS}, 86400 s, or `minTtlSeconds` if that is larger; §11.5).
   * Must not be below `minTtlSeconds`.
   */
  readonly maxTtlSeconds?: number;
}

/**
 * The moment an entry stops being fresh: `fetchedAt + ttl` (§13.7, first option), without
 * `ttl` until `exp`; raised to at least `fetchedAt + minTtlSeconds` (§11.5: a tiny `ttl`, or a
 * token with neither claim, would otherwise be fetched for every check), then never past `exp`
 * and never past `fetchedAt + maxTtlSeconds`. An entry is not cached when the result is not
 * after `fetchedAt`.
 *
 * @example
 * ```ts
 * statusListFreshUntil({ token, fetchedAt: 1000, ttl: 600 }, 86400); // 1600
 * statusListFreshUntil({ token, fetchedAt: 1000, ttl: 1 }, 86400); // 1060 (the 60 s default floor)
 * statusListFreshUntil({ token, fetchedAt: 1000, ttl: 1, exp: 1030 }, 86400); // 1030 (never past exp)
 * statusListFreshUntil({ token, fetchedAt: 1000, ttl: 1 }, 86400, 0); // 1001
 * ```
 * @see draft-ietf-oauth-status-list-20 §8.3 step 4d, §11.5, §13.7
 */
export function statusListFreshUntil(entry: StatusListCacheEntry, maxTtlSeconds: number, minTtlSeconds: number = DEFAULT_STATUS_LIST_MIN_TTL_SECONDS): number {
  let until = entry.ttl === undefined ? (entry.exp ?? entry.fetchedAt) : entry.fetchedAt + entry.ttl;
  until = Math.max(until, entry.fetchedAt + minTtlSeconds);
  if (entry.exp !== undefined) until = Math.min(until, entry.exp);
  return Math.min(until, entry.fetchedAt + maxTtlSeconds);
}

/**
 * An in-memory {@link StatusListCache} that honours `ttl` and `exp` within
 * `[minTtlSeconds, maxTtlSeconds]` and evicts the least recently used URI when full.
 *
 * @example
 * ```ts
 * const cache = createStatusListCache({ maxEntries: 100 });
 * await checkStatus(ref, { ctx, keys, cache }); // fetches
 * await checkStatus(ref, { ctx, keys, cache }); // served from the cache until ttl (at least 60 s, at most exp) passes
 * const testCache = createStatusListCache({ minTtlSeconds: 0 }); // follows ttl exactly
 * ```
 * @throws ComityUsageError `ERR_USAGE_STATUS_CACHE` on bad options
 * @see draft-ietf-oauth-status-list-20 §11.5, §13.7
 */
export function createStatusListCache(options: StatusListCacheOptions = {}): StatusListCache {
  const maxEntries = options.maxEntries ?? 64;
  const minTtl = options.minTtlSeconds ?? DEFAULT_STATUS_LIST_MIN_TTL_SECONDS;
  const maxTtl = options.maxTtlSeconds ?? Math.max(DEFAULT_STATUS_LIST_MAX_TTL_SECONDS, minTtl);
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new ComityUsageError('ERR_USAGE_STATUS_CACHE', 'maxEntries must be a positive integer');
  if (typeof minTtl !== 'number' || !Number.isFinite(minTtl) || minTtl < 0) {
    throw new ComityUsageError('ERR_USAGE_STATUS_CACHE', 'minTtlSeconds must be a non-negative number');
  }
  if (typeof maxTtl !== 'number' || !Number.isFinite(maxTtl) || maxTtl < 0) {
    throw new ComityUsageError('ERR_USAGE_STATUS_CACHE', 'maxTtlSeconds must be a non-negative number');
  }
  if (minTtl > maxTtl) throw new ComityUsageError('ERR_USAGE_STATUS_CACHE', 'minTtlSeconds must not exceed maxTtlSeconds');
  // Insertion order is recency order: a hit is re-inserted, so the first key is the least recently used.
  const entries = new Map<string, { entry: StatusListCacheEntry; freshUntil: number }>();
  return {
    get(uri, now) {
      const hit = entries.get(uri);
      if (hit === undefined) return undefined;
      entries.delete(uri);
      if (now >= hit.freshUntil) return undefined;
      entries.set(uri, hit);
      return hit.entry;
    },
    set(uri, entry) {
      const freshUntil = statusListFreshUntil(entry, maxTtl, minTtl);
      entries.delete(uri);
      if (freshUntil <= entry.fetchedAt) return;
      entries.set(uri, { entry, freshUntil });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    delete(uri) {
      entries.delete(uri);
    },
  };
}
