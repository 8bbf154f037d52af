/**
 * Status List Aggregation (§9): the JSON list of Status List Token URIs an issuer publishes,
 * and prefetching those tokens into a cache for offline use.
 *
 * @module
 */
import { ComityUsageError, type Issue, isPlainObject, type JsonValue, parseJson, toIssue, utf8Decode } from '@comity/core';
import { type CheckStatusOptions, loadStatusList } from './check.js';
import { statusError } from './errors.js';
import { fetchStatusResource } from './internal/fetch.js';
import { checkReference } from './parse-reference.js';
import type { StatusListTokenInfo } from './verify-jwt.js';

/** Options of {@link parseStatusListAggregation}. */
export interface ParseStatusListAggregationOptions {
  /** Most URIs accepted (default 1000). */
  readonly maxEntries?: number;
}

/**
 * Reads a Status List Aggregation document: `{"status_lists": ["https://...", ...]}`.
 * Every entry must be an absolute URI; duplicates are dropped.
 *
 * @example
 * ```ts
 * parseStatusListAggregation({ status_lists: ['https://example.com/statuslists/1'] }); // ['https://example.com/statuslists/1']
 * ```
 * @throws ComityError `ERR_STATUS_AGGREGATION_INVALID`
 * @see draft-ietf-oauth-status-list-20 §9.3
 */
export function parseStatusListAggregation(value: unknown, options: ParseStatusListAggregationOptions = {}): string[] {
  const maxEntries = options.maxEntries ?? 1000;
  if (!isPlainObject(value)) throw statusError('ERR_STATUS_AGGREGATION_INVALID', 'the status list aggregation is not an object');
  const lists = value.status_lists;
  if (!Array.isArray(lists)) throw statusError('ERR_STATUS_AGGREGATION_INVALID', 'the aggregation "status_lists" is not an array', { path: ['status_lists'] });
  if (lists.length > maxEntries) throw statusError('ERR_STATUS_AGGREGATION_INVALID', 'the aggregation lists more URIs than allowed', { maxEntries });
  const out = new Set<string>();
  for (const [i, uri] of lists.entries()) {
    try {
      out.add(checkReference({ idx: 0, uri }, ['status_lists', i]).uri);
    } catch (cause) {
      throw statusError('ERR_STATUS_AGGREGATION_INVALID', 'an aggregation entry is not an absolute URI', { path: ['status_lists', i] }, cause);
    }
  }
  return [...out];
}

/** Options of {@link fetchStatusListAggregation}. */
export interface FetchStatusListAggregationOptions extends ParseStatusListAggregationOptions {
  readonly ctx: CheckStatusOptions['ctx'];
  readonly allowLoopbackHttp?: boolean;
  /** Largest document accepted (default 256 KiB). */
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
}

/**
 * Fetches and parses the Status List Aggregation at `uri` (`accept: application/json`).
 *
 * @example
 * ```ts
 * const uris = await fetchStatusListAggregation(decoded.aggregationUri, { ctx });
 * ```
 * @throws ComityError `ERR_STATUS_FETCH_FAILED`, `ERR_STATUS_FETCH_TOO_LARGE`, `ERR_STATUS_FETCH_URL_NOT_ALLOWED`, `ERR_STATUS_AGGREGATION_INVALID`
 * @see draft-ietf-oauth-status-list-20 §9
 */
export async function fetchStatusListAggregation(uri: string, options: FetchStatusListAggregationOptions): Promise<string[]> {
  if (options?.ctx === undefined) throw new ComityUsageError('ERR_USAGE_CONTEXT', 'options.ctx is required');
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const bytes = await fetchStatusResource(
    options.ctx,
    uri,
    {
      accept: 'application/json',
      maxBytes,
      allowLoopbackHttp: options.allowLoopbackHttp === true,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    },
    'the aggregation',
  );
  let json: JsonValue;
  try {
    json = parseJson(utf8Decode(bytes, 'aggregation'), 'aggregation', maxBytes + 1);
  } catch (cause) {
    throw statusError('ERR_STATUS_AGGREGATION_INVALID', 'the aggregation is not JSON', undefined, cause);
  }
  return parseStatusListAggregation(json, options);
}

/** Outcome of prefetching one Status List Token. */
export type PrefetchResult =
  | { readonly uri: string; readonly ok: true; readonly token: StatusListTokenInfo }
  | { readonly uri: string; readonly ok: false; readonly error: Issue };

/**
 * Fetches and verifies every listed Status List Token into `options.cache`, so later
 * {@link checkStatus} calls (also offline, until each `ttl`) are served from it. A token
 * that fails does not stop the others (§9); its error is reported in its entry.
 *
 * @example
 * ```ts
 * const cache = createStatusListCache({ maxEntries: 200 });
 * const results = await prefetchStatusLists(await fetchStatusListAggregation(aggUri, { ctx }), { ctx, keys, cache });
 * ```
 * @throws ComityUsageError when no cache is given
 * @see draft-ietf-oauth-status-list-20 §9
 */
export async function prefetchStatusLists(uris: readonly string[], options: CheckStatusOptions): Promise<PrefetchResult[]> {
  if (options?.cache === undefined) throw new ComityUsageError('ERR_USAGE_STATUS_CACHE', 'prefetchStatusLists needs a cache to fill');
  const results: PrefetchResult[] = [];
  for (const uri of uris) {
    try {
      const verified = await loadStatusList(checkReference({ idx: 0, uri }, ['status_lists']).uri, options);
      results.push({ uri, ok: true, token: verified.token });
    } catch (cause) {
      if (cause instanceof ComityUsageError) throw cause;
      results.push({ uri, ok: false, error: toIssue(cause) });
    }
  }
  return results;
}
