/**
 * Issuer keys from JWT VC Issuer Metadata (`/.well-known/jwt-vc-issuer`).
 *
 * @module
 */
import { type ComityContext, ComityError, fetchJson, isPlainObject, type Jwk } from '@comity/core';
import type { IssuerKeyCandidate, IssuerKeyInput, IssuerKeyResolver } from './index.js';
import { selectJwksKeys } from './internal/jwks.js';
import { checkOutboundUrl } from './internal/url.js';

/** Options of {@link jwtVcIssuerMetadataKey}. */
export interface JwtVcIssuerMetadataOptions {
  /** Allow `http:` to loopback addresses (tests, local services). Default false. */
  readonly allowLoopbackHttp?: boolean;
  /** Reuse fetched keys for this many seconds (by `iss`). Default 0: fetch every time. */
  readonly cacheTtlSeconds?: number;
  /** Largest metadata / JWK Set document accepted, in bytes. Default 64 KiB. */
  readonly maxBytes?: number;
  /** Timeout of each request in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
}

const MAX_CACHE_ENTRIES = 256;

/**
 * The JWT VC Issuer Metadata location for an `iss`: `/.well-known/jwt-vc-issuer` inserted
 * between host and path, a terminating `/` removed first.
 *
 * @example
 * ```ts
 * jwtVcIssuerMetadataUrl('https://example.com/tenant/1234'); // https://example.com/.well-known/jwt-vc-issuer/tenant/1234
 * ```
 * @throws ComityError `ERR_SDJWT_ISS_NOT_HTTPS`, `ERR_FETCH_URL_NOT_ALLOWED` (an internal IP-literal host)
 * @see draft-ietf-oauth-sd-jwt-vc §4, §4.1, §7.1
 */
export function jwtVcIssuerMetadataUrl(iss: string, options: { allowLoopbackHttp?: boolean } = {}): string {
  const url = checkOutboundUrl(iss, options.allowLoopbackHttp === true, 'ERR_SDJWT_ISS_NOT_HTTPS', 'iss');
  const path = url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/jwt-vc-issuer${path}`;
}

/**
 * A resolver for an https `iss`: GETs the JWT VC Issuer Metadata through `ctx.fetch`
 * (bounded, no redirects), requires `issuer` to equal `iss` exactly and exactly one of
 * `jwks` / `jwks_uri` (then fetched too), and returns the key named by the header `kid`
 * (or every signature key when there is no `kid`). `keyMethod` is `jwt-vc-issuer-metadata`.
 *
 * @example
 * ```ts
 * const resolve = jwtVcIssuerMetadataKey({ cacheTtlSeconds: 300 });
 * const ctx = createContext({ fetch: globalThis.fetch });
 * const candidates = await resolve({ header, payload }, ctx);
 * ```
 * @throws ComityError `ERR_SDJWT_ISS_NOT_HTTPS`, `ERR_SDJWT_ISSUER_METADATA_INVALID`, `ERR_SDJWT_ISSUER_METADATA_MISMATCH`,
 *   `ERR_SDJWT_ISSUER_KEY_UNRESOLVED` (no key for `kid`), `ERR_FETCH_*` (`UNAVAILABLE`, `STATUS`, `TOO_LARGE`, `FAILED`), `ERR_ENCODING_*`
 * @see draft-ietf-oauth-sd-jwt-vc §4 (JWT VC Issuer Metadata), §4.3 (validation), §3 (retrieval)
 */
export function jwtVcIssuerMetadataKey(options: JwtVcIssuerMetadataOptions = {}): IssuerKeyResolver {
  const allowLoopbackHttp = options.allowLoopbackHttp === true;
  const ttlMs = Math.max(0, options.cacheTtlSeconds ?? 0) * 1000;
  const fetchOptions = { allowLoopbackHttp, maxBytes: options.maxBytes ?? 64 * 1024, timeoutMs: options.timeoutMs ?? 5000 };
  const cache = new Map<string, { expires: number; jwks: unknown }>();

  const loadJwks = async (iss: string, ctx: ComityContext): Promise<unknown> => {
    const now = ctx.now().getTime();
    const hit = cache.get(iss);
    if (hit !== undefined && hit.expires > now) return hit.jwks;
    const url = jwtVcIssuerMetadataUrl(iss, { allowLoopbackHttp });
    const { json } = await fetchJson(ctx, url, fetchOptions);
    if (!isPlainObject(json)) throw new ComityError('ERR_SDJWT_ISSUER_METADATA_INVALID', 'issuer metadata is not a JSON object');
    if (typeof json.issuer !== 'string') throw new ComityError('ERR_SDJWT_ISSUER_METADATA_INVALID', 'issuer metadata lacks "issuer"');
    if (json.issuer !== iss) throw new ComityError('ERR_SDJWT_ISSUER_METADATA_MISMATCH', 'issuer metadata "issuer" differs from iss');
    const hasJwks = json.jwks !== undefined;
    const hasUri = json.jwks_uri !== undefined;
    if (hasJwks === hasUri) throw new ComityError('ERR_SDJWT_ISSUER_METADATA_INVALID', 'issuer metadata must hold exactly one of jwks and jwks_uri');
    let jwks: unknown;
    if (hasJwks) {
      jwks = json.jwks;
    } else {
      if (typeof json.jwks_uri !== 'string') throw new ComityError('ERR_SDJWT_ISSUER_METADATA_INVALID', 'issuer metadata jwks_uri is not a string');
      const jwksUrl = checkOutboundUrl(json.jwks_uri, allowLoopbackHttp, 'ERR_SDJWT_ISSUER_METADATA_INVALID', 'jwks_uri', true);
      jwks = (await fetchJson(ctx, jwksUrl.href, { ...fetchOptions, accept: 'application/jwk-set+json, application/json' })).json;
    }
    if (!isPlainObject(jwks) || !Array.isArray(jwks.keys)) throw new ComityError('ERR_SDJWT_ISSUER_METADATA_INVALID', 'issuer JWK Set is malformed');
    if (ttlMs > 0) {
      if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(iss, { expires: now + ttlMs, jwks });
    }
    return jwks;
  };

  return async (input: IssuerKeyInput, ctx: ComityContext): Promise<readonly IssuerKeyCandidate[]> => {
    const iss = input.payload.iss;
    if (typeof iss !== 'string') throw new ComityError('ERR_SDJWT_ISSUER_KEY_UNRESOLVED', 'issuer metadata needs an iss claim');
    jwtVcIssuerMetadataUrl(iss, { allowLoopbackHttp }); // checks iss before any request
    const jwks = await loadJwks(iss, ctx);
    const keys: Jwk[] = selectJwksKeys(jwks, input.header.kid, 'ERR_SDJWT_ISSUER_METADATA_INVALID');
    return keys.map((jwk) => ({ jwk, issuer: { id: iss, keyMethod: 'jwt-vc-issuer-metadata', jwk } }));
  };
}
