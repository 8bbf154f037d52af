/**
 * A cache of fetched Status List Tokens that honours `ttl` and `exp` (§13.7).
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

/** Options of {@link createStatusListCache}. */
export interface StatusListCacheOptions {
  /** Most URIs kept; the oldest is evicted first (default 64). */
  readonly maxEntries?: number;
  /** Upper bound on how long any token is kept, whatever its `ttl` says (default 86400 s, §11.5). */
  readonly maxTtlSeconds?: number;
}

/**
 * The moment an entry stops being fresh: `fetchedAt + ttl` (§13.7, first option), never
 * past `exp`, never past `fetchedAt + maxTtlSeconds`. Without `ttl`, until `exp`; without
 * either, not cached at all.
 *
 * @example
 * ```ts
 * statusListFreshUntil({ token, fetchedAt: 1000, ttl: 60 }, 86400); // 1060
 * ```
 * @see draft-ietf-oauth-status-list-20 §8.3 step 4d, §11.5, §13.7
 */
export function statusListFreshUntil(entry: StatusListCacheEntry, maxTtlSeconds: number): number {
  const cap = entry.fetchedAt + maxTtlSeconds;
  let until = entry.ttl === undefined ? (entry.exp ?? entry.fetchedAt) : entry.fetchedAt + entry.ttl;
  if (entry.exp !== undefined) until = Math.min(until, entry.exp);
  return Math.min(until, cap);
}

/**
 * An in-memory {@link StatusListCache} that honours `ttl` and `exp`.
 *
 * @example
 * ```ts
 * const cache = createStatusListCache({ maxEntries: 100 });
 * await checkStatus(ref, { ctx, keys, cache }); // fetches
 * await checkStatus(ref, { ctx, keys, cache }); // served from the cache until ttl passes
 * ```
 * @throws ComityUsageError `ERR_USAGE_STATUS_CACHE` on bad options
 * @see draft-ietf-oauth-status-list-20 §13.7
 */
export function createStatusListCache(options: StatusListCacheOptions = {}): StatusListCache {
  const maxEntries = options.maxEntries ?? 64;
  const maxTtl = options.maxTtlSeconds ?? 86_400;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new ComityUsageError('ERR_USAGE_STATUS_CACHE', 'maxEntries must be a positive integer');
  if (!Number.isFinite(maxTtl) || maxTtl < 0) throw new ComityUsageError('ERR_USAGE_STATUS_CACHE', 'maxTtlSeconds must be a non-negative number');
  const entries = new Map<string, { entry: StatusListCacheEntry; freshUntil: number }>();
  return {
    get(uri, now) {
      const hit = entries.get(uri);
      if (hit === undefined) return undefined;
      if (now >= hit.freshUntil) {
        entries.delete(uri);
        return undefined;
      }
      return hit.entry;
    },
    set(uri, entry) {
      const freshUntil = statusListFreshUntil(entry, maxTtl);
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
