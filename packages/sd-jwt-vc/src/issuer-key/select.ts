/**
 * Picks the issuer-key mechanism a credential calls for, among those the policy permits.
 *
 * @module
 */
import { type Certificate, type ComityContext, ComityError, type Jwk } from '@comity/core';
import { type DidIssuerKeyOptions, didIssuerKey } from './did.js';
import type { IssuerKeyCandidate, IssuerKeyInput, IssuerKeyResolver } from './index.js';
import { type JwtVcIssuerMetadataOptions, jwtVcIssuerMetadataKey } from './jwt-vc-issuer-metadata.js';
import { createPinnedKeys } from './pinned.js';
import { type X5cIssBinding, x5cIssuerKey } from './x5c.js';

/** Which issuer-key mechanisms a verifier permits. Everything is off unless configured. */
export interface IssuerKeyPolicy {
  /** Keys pinned by the verifier; consulted first. */
  readonly pinnedKeys?: readonly Jwk[];
  /** X.509 trust anchors for `x5c` chains. */
  readonly trustAnchors?: readonly Certificate[];
  /** Accept `x5c` chains whose anchor a later trust decision establishes (needs no `trustAnchors`; `trustAnchors` win when both are set). */
  readonly anchoring?: 'deferred';
  /** How `iss` must relate to an `x5c` end-entity certificate (default `san-if-present`): see {@link X5cIssBinding}. */
  readonly x5cIssBinding?: X5cIssBinding;
  /** JWT VC Issuer Metadata for https `iss` values. */
  readonly issuerMetadata?: boolean | JwtVcIssuerMetadataOptions;
  /** DID `iss` values. */
  readonly did?: boolean | DidIssuerKeyOptions;
}

/**
 * Builds one resolver from a policy. The credential picks the mechanism, among those the
 * policy enables: an `x5c` header → x5c; else a `did:` `iss` → DID; else an https `iss` →
 * JWT VC Issuer Metadata. Pinned keys come first: a pinned key whose `kid` (or thumbprint)
 * equals the header `kid` is the only candidate; otherwise the pinned keys precede the
 * mechanism's candidates. An enabled mechanism that fails throws its own error (an
 * invalid `x5c` is never papered over by a pinned key).
 *
 * @example
 * ```ts
 * const resolve = issuerKeyResolverFor({ trustAnchors: [issuerCa], issuerMetadata: { cacheTtlSeconds: 300 } });
 * const candidates = await resolve({ header, payload }, ctx);
 * ```
 * @throws ComityError `ERR_SDJWT_ISSUER_KEY_UNRESOLVED` when no permitted mechanism applies, and every code of the mechanisms
 *   ({@link x5cIssuerKey}, {@link didIssuerKey}, {@link jwtVcIssuerMetadataKey})
 * @see draft-ietf-oauth-sd-jwt-vc §2.5, §7.3
 */
export function issuerKeyResolverFor(policy: IssuerKeyPolicy): IssuerKeyResolver {
  const pinned = policy.pinnedKeys !== undefined && policy.pinnedKeys.length > 0 ? createPinnedKeys(policy.pinnedKeys) : undefined;
  // Unset means x5cIssuerKey's own default ('san-if-present'): one default for both entry points.
  const issBinding = policy.x5cIssBinding === undefined ? {} : { issBinding: policy.x5cIssBinding };
  const x5c =
    policy.trustAnchors !== undefined && policy.trustAnchors.length > 0
      ? x5cIssuerKey({ trustAnchors: policy.trustAnchors, ...issBinding })
      : policy.anchoring === 'deferred'
        ? x5cIssuerKey({ anchoring: 'deferred', ...issBinding })
        : undefined;
  const options = <T extends object>(v: boolean | T | undefined): T | undefined => (v === undefined || v === false ? undefined : v === true ? ({} as T) : v);
  const didOptions = options(policy.did);
  const did = didOptions === undefined ? undefined : didIssuerKey(didOptions);
  const metadataOptions = options(policy.issuerMetadata);
  const metadata = metadataOptions === undefined ? undefined : jwtVcIssuerMetadataKey(metadataOptions);

  return async (input: IssuerKeyInput, ctx: ComityContext): Promise<readonly IssuerKeyCandidate[]> => {
    const iss = input.payload.iss;
    let mechanism: IssuerKeyResolver | undefined;
    if (input.header.x5c !== undefined && x5c !== undefined) mechanism = x5c;
    else if (typeof iss === 'string' && iss.startsWith('did:')) mechanism = did;
    else if (typeof iss === 'string' && metadata !== undefined && /^https?:\/\//.test(iss)) mechanism = metadata;
    let pinnedCandidates: readonly IssuerKeyCandidate[] = [];
    if (pinned !== undefined) {
      const named = await pinned.byKid(input, ctx);
      if (named !== undefined) {
        // A kid naming a pinned key does not excuse the x5c chain the credential also carries.
        if (x5c !== undefined && mechanism === x5c) await x5c(input, ctx);
        return [named];
      }
      pinnedCandidates = await pinned.resolve(input, ctx);
    }
    if (mechanism === undefined) {
      if (pinnedCandidates.length > 0) return pinnedCandidates;
      throw new ComityError('ERR_SDJWT_ISSUER_KEY_UNRESOLVED', 'no permitted key discovery mechanism applies to this credential');
    }
    const found = await mechanism(input, ctx);
    return [...pinnedCandidates, ...found];
  };
}
