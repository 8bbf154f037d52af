/**
 * Issuer key resolution for SD-JWT VC: pinned JWKs, x5c chains, JWT VC Issuer Metadata and DIDs.
 *
 * @module
 */
import type { ComityContext, IssuerInfo, JsonObject, Jwk } from '@comity/core';

/** What a resolver sees: the issuer-signed JWT's header and payload, as signed. */
export interface IssuerKeyInput {
  readonly header: JsonObject;
  readonly payload: JsonObject;
}

/** A key that may have signed the credential, with how it was established. */
export interface IssuerKeyCandidate {
  readonly jwk: Jwk;
  readonly issuer: IssuerInfo;
}

/** Finds the keys that may verify an issuer signature; throws a ComityError when none can be established. */
export type IssuerKeyResolver = (input: IssuerKeyInput, ctx: ComityContext) => Promise<readonly IssuerKeyCandidate[]>;

export { type DidIssuerKeyOptions, type DidMethodName, didIssuerKey, multikeyToJwk } from './did.js';
export { type JwtVcIssuerMetadataOptions, jwtVcIssuerMetadataKey, jwtVcIssuerMetadataUrl } from './jwt-vc-issuer-metadata.js';
export { type PinnedIssuerKeysOptions, pinnedIssuerKeys } from './pinned.js';
export { type IssuerKeyPolicy, issuerKeyResolverFor } from './select.js';
export { parseX5c, type X5cIssBinding, type X5cIssuerKeyOptions, x5cCertificatesOf, x5cIssuerKey } from './x5c.js';
