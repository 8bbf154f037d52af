/**
 * The verifier role: one entry point for every credential format, strict by default,
 * taking nonce, audience and transcript from the request the verifier sent.
 *
 * @module
 */
import { type Certificate, type ComityContext, createContext, type Jwk, type SignatureAlgorithm, toIssue, type VerificationResult } from '@comity/core';
import { type IssuerKeyResolver, issuerKeyResolverFor, type TypeMetadataCheck, x5cCertificatesOf } from '@comity/sd-jwt-vc';
import type { TrustDecision, TrustRegistry, VerifierProfile } from '@comity/trust-registry';
import { type CredentialFormat, detectFormat, mdocBytes } from './detect-format.js';
import { type MdocExpectations, verifyMdocPresentation, withholdMdocClaims } from './formats/mdoc.js';
import { type SdJwtExpectations, verifySdJwtPresentation } from './formats/sd-jwt.js';
import { checkStatusPolicy, type StatusPolicy, withStatus } from './status.js';
import { decideMdocTrust, decideTrust, untrustedDecision } from './trust.js';

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
  /** Allowed issuer signature algorithms (default ES256, ES384, ES512, EdDSA, Ed25519). */
  readonly algorithms?: readonly SignatureAlgorithm[];
  /** SD-JWT VC Type Metadata validation. */
  readonly typeMetadata?: TypeMetadataCheck;
  /**
   * A trust registry: issuer chains are then anchored by the registry (per category, under the
   * verifier's recognition agreements) instead of by `trustAnchors`, and every result carries
   * the explained decision. A presentation is valid only when the decision is `accepted`.
   */
  readonly trustRegistry?: TrustRegistry;
  /** Who verifies (jurisdiction, purpose, community); defaults to the registry's verifier. */
  readonly verifierProfile?: VerifierProfile;
  /**
   * Revocation and suspension through Token Status Lists (needs `ctx.fetch`). Without it, a
   * credential that carries a status reference is accepted with `WARN_CREDENTIAL_STATUS_UNCHECKED`.
   */
  readonly status?: StatusPolicy;
}

/** What the verifier asked for: every binding input comes from the request it sent. */
export interface PresentationExpectations extends SdJwtExpectations, MdocExpectations {
  /** Expected format; `auto` (default) detects it. */
  readonly format?: 'auto' | CredentialFormat;
}

/** A verification result from the verifier role, with the trust decision when a registry is configured. */
export interface PresentationResult extends VerificationResult {
  readonly trust?: TrustDecision;
}

/** The verifier role. */
export interface Verifier {
  /** Verifies one presentation. Never throws on bad input: failures are in `errors`. */
  verify(presentation: string | Uint8Array, expect?: PresentationExpectations): Promise<PresentationResult>;
}

// A presentation is accepted only when the credential verified AND trust is accepted;
// an indeterminate decision is not acceptance.
function withTrust(result: VerificationResult, trust: TrustDecision): PresentationResult {
  if (trust.outcome === 'accepted') return { ...result, trust };
  const failed = trust.checks.filter((c) => c.result === 'fail' || c.result === 'unknown');
  const errors = failed.map((c) => ({
    code: trust.outcome === 'indeterminate' ? 'ERR_TRUST_INDETERMINATE' : 'ERR_TRUST_REJECTED',
    message: `${c.code}: ${c.message.en}`,
  }));
  return {
    ...result,
    valid: false,
    claims: {},
    errors: [...result.errors, ...(errors.length > 0 ? errors : [{ code: 'ERR_TRUST_REJECTED', message: 'trust was not established' }])],
    trust,
  };
}

/**
 * Creates a verifier.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ trustAnchors: [root] });
 * const result = await verifier.verify(vpToken, { nonce: request.nonce, audience: request.client_id });
 * ```
 * @throws ComityUsageError `ERR_USAGE_STATUS_POLICY` for a status policy without keys, or with an unknown mode or format
 * @see OpenID4VP 1.0 §8.6 (verifying the presentation)
 */
export function createVerifier(options: VerifierOptions = {}): Verifier {
  if (options.status !== undefined) checkStatusPolicy(options.status);
  const ctx = options.ctx ?? createContext();
  const issuerKey =
    options.issuerKeyResolver ??
    issuerKeyResolverFor({
      ...(options.issuerKeys === undefined || options.issuerKeys.length === 0 ? {} : { pinnedKeys: [...options.issuerKeys] }),
      // With a registry, x5c chains are checked here and anchored by the registry.
      ...(options.trustRegistry !== undefined
        ? { anchoring: 'deferred' as const }
        : options.trustAnchors === undefined || options.trustAnchors.length === 0
          ? {}
          : { trustAnchors: [...options.trustAnchors] }),
      issuerMetadata: options.issuerMetadata ?? false,
      did: options.did ?? false,
    });
  const sdJwtConfig = {
    issuerKey,
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    ...(options.typeMetadata === undefined ? {} : { typeMetadata: options.typeMetadata }),
  };
  const mdocConfig = {
    trustAnchors: options.trustAnchors ?? [],
    // With a registry, the document signer is checked here and anchored by the registry.
    ...(options.trustRegistry === undefined ? {} : { anchoring: 'deferred' as const }),
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
  };
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
        const verified = await verifyMdocPresentation(bytes, mdocConfig, expect, ctx);
        const checked = await withStatus(
          verified,
          verified.documents.map((d) => d.status),
          options.status,
          ctx,
        );
        // Refused for its status: no claims anywhere in the result, not even per document.
        const result = checked.valid || !verified.valid ? checked : withholdMdocClaims(checked);
        if (options.trustRegistry === undefined) return result;
        if (!result.valid) return { ...result, trust: untrustedDecision(ctx.now()) };
        const { decision, profileErrors, profileWarnings } = await decideMdocTrust(options.trustRegistry, result.documents, options.verifierProfile, ctx.now());
        if (decision === undefined) return result;
        const trusted = withTrust(result, decision);
        if (trusted.valid && profileErrors.length === 0)
          return profileWarnings.length === 0 ? trusted : { ...trusted, warnings: [...trusted.warnings, ...profileWarnings] };
        if (trusted.valid) {
          // Anchored, but not by an ISO-conformant chain: refused, with nothing released.
          const withheld = withholdMdocClaims(result);
          return {
            ...trusted,
            valid: false,
            claims: {},
            errors: [...trusted.errors, ...profileErrors],
            deviceClaims: withheld.deviceClaims,
            documents: withheld.documents,
          } as PresentationResult;
        }
        // Not trusted: no claims anywhere in the result, not even per document.
        const withheld = withholdMdocClaims(result);
        return { ...trusted, deviceClaims: withheld.deviceClaims, documents: withheld.documents } as PresentationResult;
      }
      const text = typeof presentation === 'string' ? presentation.trim() : new TextDecoder().decode(presentation).trim();
      const verified = await verifySdJwtPresentation(text, format === 'dc+sd-jwt', sdJwtConfig, expect, ctx);
      const result = await withStatus(verified, [verified.claims.status], options.status, ctx);
      if (options.trustRegistry === undefined) return result;
      if (!result.valid) return { ...result, trust: untrustedDecision(ctx.now()) };
      const iat = result.claims.iat;
      const trust = await decideTrust(
        options.trustRegistry,
        result,
        {
          type: typeof result.claims.vct === 'string' ? result.claims.vct : '',
          issuerCertificates: result.issuer === undefined ? undefined : x5cCertificatesOf(result.issuer),
          signedAt: typeof iat === 'number' ? new Date(iat * 1000) : undefined,
        },
        options.verifierProfile,
        ctx.now(),
      );
      return withTrust(result, trust);
    },
  };
}
