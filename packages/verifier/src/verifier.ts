/**
 * The verifier role: one entry point for every credential format, strict by default,
 * taking nonce, audience and transcript from the request the verifier sent.
 *
 * @module
 */
import { type Certificate, type ComityContext, createContext, type Jwk, type SignatureAlgorithm, toIssue, type VerificationResult } from '@comity/core';
import { type IssuerKeyResolver, issuerKeyResolverFor, type TypeMetadataCheck } from '@comity/sd-jwt-vc';
import { type CredentialFormat, detectFormat, mdocBytes } from './detect-format.js';
import { type MdocExpectations, verifyMdocPresentation } from './formats/mdoc.js';
import { type SdJwtExpectations, verifySdJwtPresentation } from './formats/sd-jwt.js';

/** How the verifier establishes trust in issuers. */
export interface VerifierOptions {
  /** Crypto, clock and fetch (defaults: platform crypto, system clock, no network). */
  readonly ctx?: ComityContext;
  /** Issuer public keys pinned by the verifier (SD-JWT VC). */
  readonly issuerKeys?: readonly Jwk[];
  /** X.509 trust anchors: roots for SD-JWT VC `x5c` chains and IACA roots for mdoc. */
  readonly trustAnchors?: readonly Certificate[];
  /** Resolve SD-JWT VC issuer keys through JWT VC Issuer Metadata (needs `ctx.fetch`). */
  readonly issuerMetadata?: boolean;
  /** Resolve DID issuers (did:jwk, did:key; did:web needs `ctx.fetch`). */
  readonly did?: boolean;
  /** Replace the SD-JWT VC issuer key resolution entirely. */
  readonly issuerKeyResolver?: IssuerKeyResolver;
  /** Allowed issuer signature algorithms (default ES256, ES384, ES512, EdDSA). */
  readonly algorithms?: readonly SignatureAlgorithm[];
  /** SD-JWT VC Type Metadata validation. */
  readonly typeMetadata?: TypeMetadataCheck;
}

/** What the verifier asked for: every binding input comes from the request it sent. */
export interface PresentationExpectations extends SdJwtExpectations, MdocExpectations {
  /** Expected format; `auto` (default) detects it. */
  readonly format?: 'auto' | CredentialFormat;
}

/** A verification result from the verifier role. */
export type PresentationResult = VerificationResult;

/** The verifier role. */
export interface Verifier {
  /** Verifies one presentation. Never throws on bad input: failures are in `errors`. */
  verify(presentation: string | Uint8Array, expect?: PresentationExpectations): Promise<PresentationResult>;
}

/**
 * Creates a verifier.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ trustAnchors: [root] });
 * const result = await verifier.verify(vpToken, { nonce: request.nonce, audience: request.client_id });
 * ```
 * @see OpenID4VP 1.0 §8.6 (verifying the presentation)
 */
export function createVerifier(options: VerifierOptions = {}): Verifier {
  const ctx = options.ctx ?? createContext();
  const issuerKey =
    options.issuerKeyResolver ??
    issuerKeyResolverFor({
      ...(options.issuerKeys === undefined || options.issuerKeys.length === 0 ? {} : { pinnedKeys: [...options.issuerKeys] }),
      ...(options.trustAnchors === undefined || options.trustAnchors.length === 0 ? {} : { trustAnchors: [...options.trustAnchors] }),
      issuerMetadata: options.issuerMetadata ?? false,
      did: options.did ?? false,
    });
  const sdJwtConfig = {
    issuerKey,
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    ...(options.typeMetadata === undefined ? {} : { typeMetadata: options.typeMetadata }),
  };
  const mdocConfig = { trustAnchors: options.trustAnchors ?? [], ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }) };
  return {
    async verify(presentation, expect = {}) {
      let format: CredentialFormat;
      try {
        format = expect.format === undefined || expect.format === 'auto' ? detectFormat(presentation) : expect.format;
      } catch (e) {
        return { valid: false, format: 'unknown', claims: {}, errors: [toIssue(e)], warnings: [] };
      }
      if (format === 'mso_mdoc') {
        let bytes: Uint8Array;
        try {
          bytes = mdocBytes(presentation);
        } catch (e) {
          return { valid: false, format, claims: {}, errors: [toIssue(e)], warnings: [] };
        }
        return verifyMdocPresentation(bytes, mdocConfig, expect, ctx);
      }
      const text = typeof presentation === 'string' ? presentation.trim() : new TextDecoder().decode(presentation).trim();
      return verifySdJwtPresentation(text, format === 'dc+sd-jwt', sdJwtConfig, expect, ctx);
    },
  };
}
