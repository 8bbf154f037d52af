/**
 * Trust decisions on verified presentations: the presented issuer (chain or key) is handed to
 * the trust registry, which anchors it in the right category and applies the verifier's
 * recognition agreements and acceptance rules.
 */
import type { Certificate, VerificationResult } from '@comity/core';
import { evaluateTrust, type TrustCredential, type TrustDecision, type TrustRegistry, type VerifierProfile } from '@comity/trust-registry';

/** A decision recorded when the credential itself did not verify: trust is never evaluated on unverified data. */
export function untrustedDecision(now: Date): TrustDecision {
  return {
    outcome: 'rejected',
    evaluatedAt: now.toISOString(),
    sources: [],
    checks: [
      {
        code: 'TRUST_CREDENTIAL_VERIFIED',
        result: 'fail',
        message: {
          en: 'the credential did not verify, so no trust decision was made',
          fr: "la preuve n'a pas été vérifiée : aucune décision de confiance n'a été prise",
        },
      },
    ],
    mappedClaims: {},
    droppedClaims: [],
  };
}

/** Evaluates trust in a verified credential with the issuer's presented certificates (leaf first). */
export function decideTrust(
  registry: TrustRegistry,
  result: VerificationResult,
  input: { type: string; issuerCertificates: readonly Certificate[] | undefined; signedAt: Date | undefined },
  profile: VerifierProfile | undefined,
  now: Date,
): Promise<TrustDecision> {
  const credential: TrustCredential = {
    format: result.format,
    type: input.type,
    claims: result.claims,
    ...(input.issuerCertificates === undefined || input.issuerCertificates.length === 0 ? {} : { issuerCertificates: input.issuerCertificates }),
    ...(result.issuer?.jwk === undefined ? {} : { issuerJwk: result.issuer.jwk }),
    ...(result.issuer?.id === undefined ? {} : { issuerId: result.issuer.id }),
    ...(input.signedAt === undefined ? {} : { signedAt: input.signedAt }),
  };
  return evaluateTrust(registry, credential, { now, ...(profile === undefined ? {} : { verifier: profile }) });
}
