/**
 * Type Metadata resolution: local registry or HTTPS, `#integrity` over the exact bytes,
 * the `extends` chain (bounded, cycle-free) and the claim-metadata merge.
 *
 * @module
 */
import { type ComityContext, ComityError, ComityUsageError, fetchBytes, isPlainObject, parseJson, utf8Decode, utf8Encode } from '@comity/core';
import { checkOutboundUrl } from '../issuer-key/internal/url.js';
import { checkIntegrity } from './integrity.js';
import { parseTypeMetadataDocument, pathKey, type RawClaimMetadata, type RawTypeMetadata } from './internal/parse-type-metadata.js';
import type { ClaimMetadata, TypeDisplay, TypeMetadata } from './types.js';

/** Local Type Metadata documents by `vct`: exact bytes (integrity-checked), JSON text, or parsed objects (trusted as configured). */
export type TypeMetadataRegistry = Readonly<Record<string, unknown>> | ReadonlyMap<string, Uint8Array | string | object>;

/** Options of {@link resolveTypeMetadata}. */
export interface ResolveTypeMetadataOptions {
  readonly ctx: ComityContext;
  /** The credential's `vct#integrity`, checked over the document bytes. */
  readonly integrity?: string | undefined;
  /** Consulted first, for the requested type and every extended type. */
  readonly registry?: TypeMetadataRegistry;
  /** GET https `vct` URLs through `ctx.fetch` when not in the registry. Default false. */
  readonly fetch?: boolean | { readonly allowLoopbackHttp?: boolean; readonly maxBytes?: number; readonly timeoutMs?: number };
  /** Most `extends` links followed. Default 5. */
  readonly maxDepth?: number;
}

function lookup(registry: TypeMetadataRegistry | undefined, vct: string): unknown {
  if (registry === undefined) return undefined;
  if (registry instanceof Map) return registry.get(vct);
  const record = registry as Readonly<Record<string, unknown>>;
  return Object.hasOwn(record, vct) ? record[vct] : undefined;
}

async function loadDocument(vct: string, integrity: string | undefined, options: ResolveTypeMetadataOptions): Promise<RawTypeMetadata> {
  const local = lookup(options.registry, vct);
  let bytes: Uint8Array | undefined;
  let doc: unknown;
  if (local instanceof Uint8Array) bytes = local;
  else if (typeof local === 'string') bytes = utf8Encode(local);
  else if (isPlainObject(local)) doc = local;
  else if (local !== undefined) throw new ComityError('ERR_SDJWT_VCT_METADATA_INVALID', 'the registry entry is not a document');
  else {
    const fetchOption = options.fetch;
    if (fetchOption === undefined || fetchOption === false || !/^https?:\/\//.test(vct)) {
      throw new ComityError('ERR_SDJWT_VCT_METADATA_UNAVAILABLE', 'no Type Metadata is available for the type');
    }
    const limits = fetchOption === true ? {} : fetchOption;
    checkOutboundUrl(vct, limits.allowLoopbackHttp === true, 'ERR_FETCH_URL_NOT_ALLOWED', 'vct', true);
    bytes = await fetchBytes(options.ctx, vct, {
      allowLoopbackHttp: limits.allowLoopbackHttp === true,
      maxBytes: limits.maxBytes ?? 256 * 1024,
      timeoutMs: limits.timeoutMs ?? 5000,
      accept: 'application/json',
    });
  }
  if (bytes !== undefined) {
    if (integrity !== undefined) await checkIntegrity(bytes, integrity, options.ctx.crypto);
    try {
      doc = parseJson(utf8Decode(bytes, 'type metadata'), 'type metadata', bytes.length + 1);
    } catch (cause) {
      throw new ComityError('ERR_SDJWT_VCT_METADATA_INVALID', 'type metadata is not UTF-8 JSON', { cause });
    }
  }
  const parsed = parseTypeMetadataDocument(doc);
  if (parsed.vct !== vct) throw new ComityError('ERR_SDJWT_VCT_METADATA_MISMATCH', 'the Type Metadata describes another type');
  return parsed;
}

function mergeClaims(docsRootFirst: readonly RawTypeMetadata[]): ClaimMetadata[] {
  const merged = new Map<string, RawClaimMetadata>();
  for (const doc of docsRootFirst) {
    for (const claim of doc.claims) {
      const key = pathKey(claim.path);
      const parent = merged.get(key);
      if (parent === undefined) {
        merged.set(key, claim);
        continue;
      }
      // §5.6.5.1: sd may only go from allowed (or absent) to always/never; mandatory only from false to true.
      const parentSd = parent.sd ?? 'allowed';
      if (claim.sd !== undefined && parentSd !== 'allowed' && claim.sd !== parentSd) {
        throw new ComityError('ERR_SDJWT_VCT_EXTENDS_LOOSENS', 'an extending type changes a fixed sd rule', { details: { path: claim.path } });
      }
      if (parent.mandatory === true && claim.mandatory === false) {
        throw new ComityError('ERR_SDJWT_VCT_EXTENDS_LOOSENS', 'an extending type makes a mandatory claim optional', { details: { path: claim.path } });
      }
      const combined: { -readonly [K in keyof RawClaimMetadata]: RawClaimMetadata[K] } = { ...parent };
      if (claim.sd !== undefined) combined.sd = claim.sd;
      if (claim.mandatory !== undefined) combined.mandatory = claim.mandatory;
      if (claim.display !== undefined) combined.display = claim.display;
      if (claim.svg_id !== undefined) combined.svg_id = claim.svg_id;
      merged.set(key, combined);
    }
  }
  return [...merged.values()].map((c) => {
    const out: { path: ClaimMetadata['path']; sd: ClaimMetadata['sd']; mandatory: boolean; display?: ClaimMetadata['display']; svg_id?: string } = {
      path: c.path,
      sd: c.sd ?? 'allowed',
      mandatory: c.mandatory ?? false,
    };
    if (c.display !== undefined) out.display = c.display;
    if (c.svg_id !== undefined) out.svg_id = c.svg_id;
    return out;
  });
}

/**
 * Resolves the Type Metadata of a `vct`: from the local registry first, else (when
 * enabled) by HTTPS GET of the `vct` URL through `ctx.fetch`; checks `integrity` over
 * the exact document bytes; requires the document's `vct` to equal the requested one;
 * follows `extends` (with `extends#integrity`) up to `maxDepth`, rejecting cycles; and
 * merges claim metadata child over parent, where a child may only tighten `sd` and
 * `mandatory`. Display metadata: the nearest `display` in the chain wins.
 *
 * Registry entries given as objects are trusted configuration: no integrity check
 * applies to them (give bytes to have `#integrity` checked).
 *
 * @example
 * ```ts
 * const meta = await resolveTypeMetadata(payload.vct, { ctx, integrity: payload['vct#integrity'], fetch: true });
 * const issues = validateClaimsWithTypeMetadata(meta, { claims, disclosedPaths, undisclosedParents, stage: 'presentation' });
 * ```
 * @throws ComityError `ERR_SDJWT_VCT_METADATA_UNAVAILABLE`, `ERR_SDJWT_VCT_METADATA_INVALID`, `ERR_SDJWT_VCT_METADATA_MISMATCH`,
 *   `ERR_SDJWT_VCT_INTEGRITY_*`, `ERR_SDJWT_VCT_EXTENDS_CYCLE`, `ERR_SDJWT_VCT_EXTENDS_TOO_DEEP`, `ERR_SDJWT_VCT_EXTENDS_LOOSENS`,
 *   `ERR_FETCH_*`; ComityUsageError `ERR_USAGE_POLICY` for a `maxDepth` that is not a non-negative integer
 * @see draft-ietf-oauth-sd-jwt-vc §5.2, §5.3, §5.4, §5.5.2, §5.6.5, §6, §7.4
 */
export async function resolveTypeMetadata(vct: string, options: ResolveTypeMetadataOptions): Promise<TypeMetadata> {
  return (await resolveTypeMetadataChain(vct, options)).meta;
}

/**
 * {@link resolveTypeMetadata}, also telling whether every document of the chain was pinned by
 * an integrity value (the requested one by `options.integrity`, each extended one by the
 * `extends#integrity` of the document extending it): only then may the result be cached
 * regardless of HTTP caching (§5.3.4). @internal
 */
export async function resolveTypeMetadataChain(vct: string, options: ResolveTypeMetadataOptions): Promise<{ meta: TypeMetadata; pinned: boolean }> {
  if (typeof vct !== 'string' || vct === '') throw new ComityError('ERR_SDJWT_VCT_METADATA_UNAVAILABLE', 'vct is not a non-empty string');
  const maxDepth = options.maxDepth ?? 5;
  // NaN would make the bound below never trip: an unbounded chain of fetches.
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 0) throw new ComityUsageError('ERR_USAGE_POLICY', 'maxDepth must be a non-negative integer');
  const docs: RawTypeMetadata[] = [];
  const visited = new Set<string>();
  let current = vct;
  let integrity = options.integrity;
  let pinned = true;
  for (;;) {
    if (integrity === undefined) pinned = false;
    visited.add(current);
    const doc = await loadDocument(current, integrity, options);
    docs.push(doc);
    if (doc.extends === undefined) break;
    if (visited.has(doc.extends)) throw new ComityError('ERR_SDJWT_VCT_EXTENDS_CYCLE', 'the extends chain is circular', { details: { depth: docs.length } });
    if (docs.length > maxDepth) throw new ComityError('ERR_SDJWT_VCT_EXTENDS_TOO_DEEP', 'the extends chain is too long', { details: { maxDepth } });
    current = doc.extends;
    integrity = doc.extendsIntegrity;
  }
  const requested = docs[0] as RawTypeMetadata;
  let display: readonly TypeDisplay[] | undefined;
  for (const d of docs) {
    if (d.display !== undefined) {
      display = d.display;
      break;
    }
  }
  const out: TypeMetadata = {
    vct,
    name: requested.name,
    description: requested.description,
    display,
    claims: mergeClaims([...docs].reverse()),
    chain: docs.map((d) => d.vct),
  };
  return { meta: out, pinned };
}
