/**
 * Type Metadata as one verification step: resolve (with a cache keyed by integrity) and
 * validate, in the shape the SD-JWT VC verifier's `typeMetadata` policy hook takes.
 *
 * @module
 */
import type { ClaimPath, Issue } from '@comity/core';
import { type ResolveTypeMetadataOptions, resolveTypeMetadataChain } from './resolve.js';
import type { TypeMetadata } from './types.js';
import { validateClaimsWithTypeMetadata } from './validate.js';

/** Options of {@link typeMetadataCheck}: resolution options without the per-credential integrity. */
export interface TypeMetadataCheckOptions extends Omit<ResolveTypeMetadataOptions, 'integrity'> {
  /** `presentation` (default, verifiers) or `issuance` (issuers and holders holding every Disclosure). */
  readonly stage?: 'issuance' | 'presentation';
  /** Keep resolved metadata whose request carried `vct#integrity` (and whose every `extends` carried `extends#integrity`), keyed by vct and integrity (§5.3.4). Default true. */
  readonly cacheByIntegrity?: boolean;
}

/** What the check receives for one credential. */
export interface TypeMetadataCheckInput {
  readonly vct: string;
  readonly integrity: string | undefined;
  readonly claims: Record<string, unknown>;
  readonly disclosedPaths: readonly ClaimPath[];
  readonly undisclosedParents: readonly ClaimPath[];
}

const MAX_CACHE_ENTRIES = 128;

/**
 * Builds a Type Metadata check for a verification policy: resolves the credential's
 * `vct` (checking `vct#integrity`) and validates the processed claims. Resolution
 * failures throw their ComityError (the verifier turns them into issues); rule
 * violations come back as issues. Metadata fetched for a request that carried an
 * integrity value, with every `extends` link carrying `extends#integrity`, is cached
 * indefinitely under (vct, integrity), which the draft allows because the digests pin the
 * content; a chain with an unpinned link is resolved again each time.
 *
 * @example
 * ```ts
 * const policy = { issuerKey, typeMetadata: typeMetadataCheck({ ctx, fetch: true }) };
 * ```
 * @throws ComityError as {@link resolveTypeMetadata}
 * @see draft-ietf-oauth-sd-jwt-vc §2.4, §5.3.4, §5.6, §5.7
 */
export function typeMetadataCheck(options: TypeMetadataCheckOptions): (input: TypeMetadataCheckInput) => Promise<readonly Issue[]> {
  const cache = new Map<string, TypeMetadata>();
  const useCache = options.cacheByIntegrity !== false;
  return async (input) => {
    const key = input.integrity === undefined ? undefined : JSON.stringify([input.vct, input.integrity]);
    let meta = key === undefined || !useCache ? undefined : cache.get(key);
    if (meta === undefined) {
      const resolved = await resolveTypeMetadataChain(input.vct, { ...options, integrity: input.integrity });
      meta = resolved.meta;
      // Only a chain pinned link by link is static: an extended type fetched without
      // extends#integrity may change, and its freshness is HTTP caching's (§5.3.4).
      if (key !== undefined && useCache && resolved.pinned) {
        if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
        cache.set(key, meta);
      }
    }
    return validateClaimsWithTypeMetadata(meta, {
      claims: input.claims,
      disclosedPaths: input.disclosedPaths,
      undisclosedParents: input.undisclosedParents,
      stage: options.stage ?? 'presentation',
    });
  };
}
