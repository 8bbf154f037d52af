/**
 * The verifier role: one entry point for every credential format, strict by default,
 * taking nonce, audience and transcript from the request the verifier sent.
 *
 * @module
 */
import {
  type Certificate,
  type ComityContext,
  ComityUsageError,
  createContext,
  type Issue,
  type Jwk,
  type SignatureAlgorithm,
  toIssue,
  utf8Decode,
  type VerificationResult,
} from '@comity/core';
import { type IssuerKeyResolver, issuerKeyResolverFor, type SdJwtVerificationResult, type TypeMetadataCheck, x5cCertificatesOf } from '@comity/sd-jwt-vc';
import type { TrustDecision, TrustRegistry, VerifierProfile } from '@comity/trust-registry';
import { type CredentialFormat, detectFormat, mdocBytes } from './detect-format.js';
import { checkExpectations, expectsOnlyMdoc } from './expectations.js';
import { type MdocExpectations, type MdocPresentationResult, verifyMdocPresentation, withholdMdocClaims } from './formats/mdoc.js';
import { type SdJwtExpectations, verifySdJwtPresentation } from './formats/sd-jwt.js';
import { checkVerifierOptions, snapshotOptions } from './options-check.js';
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
  /** Allowed signature algorithms: SD-JWT issuer and KB-JWT, mdoc issuer and device (default ES256, ES384, ES512, EdDSA, Ed25519). */
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
  /**
   * mdoc: accepted document-signer EKUs (default the mDL document-signer EKU `1.0.18013.5.1.2`).
   * Set it to accept mdoc types whose document signers carry another EKU, such as a PID.
   */
  readonly documentSignerEkus?: readonly string[];
  /** mdoc: tolerance of the MSO validityInfo against the clock, in seconds (default 0). */
  readonly mdocClockToleranceSeconds?: number;
  /**
   * mdoc: more namespaces whose `issuing_country` names the issuing State and must equal the
   * document signer's `C` (`ERR_MDOC_COUNTRY_MISMATCH`). The mDL and EU PID namespaces always are.
   */
  readonly mdocIssuingCountryNameSpaces?: readonly string[];
  /** SD-JWT: clock skew for `exp`, `nbf` and the KB-JWT `iat`, in seconds (default 60). */
  readonly clockSkewSeconds?: number;
}

/** What the verifier asked for: every binding input comes from the request it sent. */
export interface PresentationExpectations extends SdJwtExpectations, MdocExpectations {
  /** Expected format; `auto` (default) detects it. */
  readonly format?: 'auto' | CredentialFormat;
}

/**
 * A verification result from the verifier role, with the trust decision when a registry is
 * configured, and what the format's package adds: `header`, `keyBinding`, `disclosedPaths`,
 * `undisclosedParents` for an SD-JWT; `docType`, `deviceClaims`, `validityInfo`, `status`,
 * `deviceKey` and `documents` for an mdoc. Which of them are present follows `format`.
 */
export interface PresentationResult
  extends VerificationResult,
    Partial<Omit<SdJwtVerificationResult, keyof VerificationResult>>,
    Partial<Omit<MdocPresentationResult, keyof VerificationResult>> {
  readonly trust?: TrustDecision;
}

/** The verifier role. */
export interface Verifier {
  /**
   * Verifies one presentation. Never throws on a bad presentation: failures are in `errors`.
   *
   * @throws ComityUsageError `ERR_USAGE_EXPECTATIONS` for an expectation of the wrong type, an unknown one, an unknown `format`, or `vctValues` with `format: 'sd-jwt'`
   */
  verify(presentation: string | Uint8Array, expect?: PresentationExpectations): Promise<PresentationResult>;
}

// A presentation is accepted only when the credential verified AND trust is accepted;
// an indeterminate decision is not acceptance.
function withTrust<R extends VerificationResult>(result: R, trust: TrustDecision): R & PresentationResult {
  if (trust.outcome === 'accepted') return { ...result, trust };
  const failed = trust.checks.filter((c) => c.result === 'fail' || c.result === 'unknown');
  const errors = failed.map((c) => ({
    code: trust.outcome === 'indeterminate' ? 'ERR_TRUST_INDETERMINATE' : 'ERR_TRUST_REJECTED',
    message: `${c.code}: ${c.message.en}`,
  }));
  return {
    ...result,
    valid: false,
    errors: [...result.errors, ...(errors.length > 0 ? errors : [{ code: 'ERR_TRUST_REJECTED', message: 'trust was not established' }])],
    trust,
  };
}

/**
 * A refused presentation releases no credential value anywhere in its result: not as claims,
 * not mapped by an agreement (an indeterminate decision still carries its mapping), not per
 * mdoc document or as device-signed values. Nor the holder's public key (`keyBinding.jwk`,
 * an mdoc `deviceKey`), nor an mdoc's MSO `status` reference (its list index): the same key
 * or index in every presentation of a credential would let a relying party that logs refusals
 * link them to one citizen.
 */
function withheld<R extends PresentationResult>(result: R): R {
  const { keyBinding: _kb, deviceKey: _dk, ...rest } = result;
  const refused = { ...rest, valid: false, claims: {}, ...(result.trust === undefined ? {} : { trust: { ...result.trust, mappedClaims: {} } }) } as R;
  return 'documents' in refused ? (withholdMdocClaims(refused as unknown as MdocPresentationResult) as unknown as R) : refused;
}

/**
 * Creates a verifier.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ trustAnchors: [root] });
 * const result = await verifier.verify(vpToken, { nonce: request.nonce, audience: request.client_id });
 * ```
 * @throws ComityUsageError `ERR_USAGE_STATUS_POLICY` for a status policy without keys, or with an unknown mode or format;
 *   `ERR_USAGE_VERIFIER` for a registry with agreements but no verifier jurisdiction; `ERR_USAGE_VERIFIER_OPTION` for options
 *   that are not an object, or an unusable mdoc or clock setting
 * @see OpenID4VP 1.0 §8.6 (verifying the presentation)
 */
export function createVerifier(given: VerifierOptions = {}): Verifier {
  // null (or a JSON array) from a configuration file would otherwise be a raw TypeError below.
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new ComityUsageError('ERR_USAGE_VERIFIER_OPTION', 'the verifier options must be an object');
  // The policy is fixed here: the caller's object (and the lists in it) may change later, this copy does not.
  const options = snapshotOptions(given);
  if (options.status !== undefined) checkStatusPolicy(options.status);
  checkVerifierOptions(options);
  const registryVerifier = options.verifierProfile ?? options.trustRegistry?.verifier;
  if (options.trustRegistry !== undefined && options.trustRegistry.mode !== 'anchors-only' && typeof registryVerifier?.jurisdiction !== 'string') {
    // Found here, not at the first presentation: evaluateTrust cannot decide without knowing who verifies.
    throw new ComityUsageError('ERR_USAGE_VERIFIER', 'a trust registry with agreements needs a verifierProfile (or a registry verifier) with a jurisdiction');
  }
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
    ...(options.clockSkewSeconds === undefined ? {} : { clockSkewSeconds: options.clockSkewSeconds }),
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    ...(options.typeMetadata === undefined ? {} : { typeMetadata: options.typeMetadata }),
  };
  const mdocConfig = {
    trustAnchors: options.trustAnchors ?? [],
    // With a registry, the document signer is checked here and anchored by the registry.
    ...(options.trustRegistry === undefined ? {} : { anchoring: 'deferred' as const }),
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    ...(options.documentSignerEkus === undefined ? {} : { documentSignerEkus: options.documentSignerEkus }),
    ...(options.mdocClockToleranceSeconds === undefined ? {} : { clockToleranceSeconds: options.mdocClockToleranceSeconds }),
    ...(options.mdocIssuingCountryNameSpaces === undefined ? {} : { issuingCountryNameSpaces: [...options.mdocIssuingCountryNameSpaces] }),
  };
  // A presentation refused before it could be verified: with a registry it carries, as every
  // result does, the decision that no trust was evaluated.
  const unread = (format: string, issue: Issue): PresentationResult => {
    const refused = { valid: false, format, claims: {}, errors: [issue], warnings: [] };
    return options.trustRegistry === undefined ? refused : { ...refused, trust: untrustedDecision(ctx.now()) };
  };
  return {
    async verify(presentation, expectations = {}) {
      const expect = checkExpectations(expectations);
      // The presentation comes from the wire (a JSON vp_token may hold anything): no string or bytes is a bad presentation.
      if (typeof presentation !== 'string' && !(presentation instanceof Uint8Array)) {
        return unread('unknown', { code: 'ERR_FORMAT_UNKNOWN', message: 'the presentation is neither text nor bytes' });
      }
      let format: CredentialFormat;
      try {
        format = expect.format === undefined || expect.format === 'auto' ? detectFormat(presentation) : expect.format;
      } catch (e) {
        return unread('unknown', toIssue(e));
      }
      // The presenter writes the typ: a verifier that names the vct values it accepts wants the
      // SD-JWT VC rules, whatever the header says (a plain SD-JWT then fails ERR_SDJWT_TYP_MISMATCH).
      if (format === 'sd-jwt' && expect.format !== 'sd-jwt' && expect.vctValues !== undefined) format = 'dc+sd-jwt';
      const registry = options.trustRegistry;
      // A verifier that gave only mdoc inputs (its transcript, docType) expects an mdoc: an SD-JWT
      // verified with none of its binding inputs would accept a replayed KB-JWT.
      if (format !== 'mso_mdoc' && (expect.format ?? 'auto') === 'auto' && expectsOnlyMdoc(expect)) {
        return unread(format, { code: 'ERR_FORMAT_UNKNOWN', message: 'an SD-JWT was presented, and the expectations are only for an mdoc' });
      }
      if (format === 'mso_mdoc') {
        let bytes: Uint8Array;
        try {
          bytes = mdocBytes(presentation);
        } catch (e) {
          return unread(format, toIssue(e));
        }
        const verified = await verifyMdocPresentation(bytes, mdocConfig, expect, ctx);
        if (!verified.valid) return withheld(registry === undefined ? verified : { ...verified, trust: untrustedDecision(ctx.now()) });
        let trusted: MdocPresentationResult & PresentationResult = verified;
        if (registry !== undefined) {
          const { decision, decisions, profileErrors, profileWarnings } = await decideMdocTrust(
            registry,
            verified.documents,
            options.verifierProfile,
            ctx.now(),
            options.documentSignerEkus,
          );
          // Each document keeps its own decision: a second document's agreement and mapping are not lost.
          trusted = { ...withTrust(verified, decision), documents: verified.documents.map((d, i) => ({ ...d, trust: decisions[i] })) };
          // Anchored, but not by an ISO-conformant chain: refused like an untrusted issuer.
          if (trusted.valid && profileErrors.length > 0) trusted = { ...trusted, valid: false, errors: [...trusted.errors, ...profileErrors] };
          if (!trusted.valid) return withheld(trusted);
          if (profileWarnings.length > 0) trusted = { ...trusted, warnings: [...trusted.warnings, ...profileWarnings] };
        }
        // Status only for a credential whose issuer is trusted: its status URI is then the issuer's, not anyone's.
        const checked = await withStatus(
          trusted,
          verified.documents.map((d) => d.status),
          options.status,
          ctx,
        );
        return checked.valid ? checked : withheld(checked);
      }
      // Strict UTF-8: invalid bytes read as U+FFFD would verify a presentation other than the one received.
      let text: string;
      try {
        text = (typeof presentation === 'string' ? presentation : utf8Decode(presentation, 'the presentation')).trim();
      } catch (e) {
        return unread(format, toIssue(e));
      }
      const verified = await verifySdJwtPresentation(text, format === 'dc+sd-jwt', sdJwtConfig, expect, ctx);
      if (!verified.valid) return withheld(registry === undefined ? verified : { ...verified, trust: untrustedDecision(ctx.now()) });
      let trusted: PresentationResult = verified;
      if (registry !== undefined) {
        const iat = verified.claims.iat;
        const decision = await decideTrust(
          registry,
          verified,
          {
            type: typeof verified.claims.vct === 'string' ? verified.claims.vct : '',
            issuerCertificates: verified.issuer === undefined ? undefined : x5cCertificatesOf(verified.issuer),
            signedAt: typeof iat === 'number' ? new Date(iat * 1000) : undefined,
          },
          options.verifierProfile,
          ctx.now(),
        );
        trusted = withTrust(verified, decision);
        if (!trusted.valid) return withheld(trusted);
      }
      // Status only for a credential whose issuer is trusted: its status URI is then the issuer's, not anyone's.
      const checked = await withStatus(trusted, [verified.claims.status], options.status, ctx);
      return checked.valid ? checked : withheld(checked);
    },
  };
}
