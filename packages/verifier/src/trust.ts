/**
 * Trust decisions on verified presentations: the presented issuer (chain or key) is handed to
 * the trust registry, which anchors it in the right category and applies the verifier's
 * recognition agreements and acceptance rules.
 */
import { type Certificate, type Issue, toIssue, type VerificationResult } from '@comity/core';
import { checkDocumentSignerChain, type MdocVerificationResult, x5chainCertificatesOf } from '@comity/mdoc';
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

/**
 * Trust in every document of a verified DeviceResponse: each document gets its own decision
 * (its own agreement and mapped claims), the first decision that is not acceptance decides, and each document's anchored path must also follow the ISO chain
 * profile (direct mode checks it in mdoc; see {@link anchoredMdocProfile}).
 */
export async function decideMdocTrust(
  registry: TrustRegistry,
  documents: readonly MdocVerificationResult[],
  profile: VerifierProfile | undefined,
  now: Date,
  documentSignerEkus?: readonly string[],
): Promise<{ decision: TrustDecision; decisions: TrustDecision[]; profileErrors: Issue[]; profileWarnings: Issue[] }> {
  let decision: TrustDecision | undefined;
  const decisions: TrustDecision[] = [];
  const profileErrors: Issue[] = [];
  const profileWarnings: Issue[] = [];
  for (const doc of documents) {
    const issuerCertificates = doc.issuer === undefined ? undefined : x5chainCertificatesOf(doc.issuer);
    const signedAt = doc.validityInfo === undefined ? undefined : new Date(doc.validityInfo.signed);
    const d = await decideTrust(registry, doc, { type: doc.docType ?? '', issuerCertificates, signedAt }, profile, now);
    const chainProfile = await anchoredMdocProfile(registry, d, issuerCertificates, signedAt, now, documentSignerEkus);
    profileErrors.push(...chainProfile.errors);
    profileWarnings.push(...chainProfile.warnings);
    decisions.push(d);
    if (decision === undefined || (decision.outcome === 'accepted' && d.outcome !== 'accepted')) decision = d;
  }
  // A response without documents never verifies; refuse rather than assume.
  return { decision: decision ?? untrustedDecision(now), decisions, profileErrors, profileWarnings };
}

// One anchor array per anchor certificate: mdoc caches validated chains by the array it is given,
// so a fresh [anchor] per presentation would validate the path again every time.
const anchorLists = new WeakMap<Certificate, readonly Certificate[]>();
function anchorList(anchor: Certificate): readonly Certificate[] {
  let list = anchorLists.get(anchor);
  if (list === undefined) {
    list = Object.freeze([anchor]);
    anchorLists.set(anchor, list);
  }
  return list;
}

/**
 * ISO/IEC 18013-5 Annex B on the path the registry anchored an mdoc document signer to: the
 * document signer directly under the IACA, the IACA's path length 0, the same country. The
 * registry anchors any X.509 path; without this, a chain the direct mode refuses
 * (`ERR_MDOC_CHAIN_PROFILE`, `ERR_MDOC_IACA_PROFILE`, `ERR_MDOC_COUNTRY_MISMATCH`) was accepted
 * through a registry.
 */
export async function anchoredMdocProfile(
  registry: TrustRegistry,
  decision: TrustDecision,
  chain: readonly Certificate[] | undefined,
  signedAt: Date | undefined,
  now: Date,
  documentSignerEkus?: readonly string[],
): Promise<{ errors: Issue[]; warnings: Issue[] }> {
  if (decision.outcome !== 'accepted' || decision.category === undefined || chain === undefined || chain.length === 0) return { errors: [], warnings: [] };
  const anchored = await registry.anchorChain(decision.category, chain, now);
  if (!anchored.ok) return { errors: [{ code: anchored.code, message: 'the document signer chain could not be anchored again' }], warnings: [] };
  const anchor = anchored.certificate ?? anchored.path[anchored.path.length - 1];
  if (anchor === undefined)
    return { errors: [{ code: 'ERR_X509_CHAIN_UNANCHORED', message: 'the document signer is not anchored by a certificate' }], warnings: [] };
  try {
    const checked = await checkDocumentSignerChain(anchored.path, {
      trustAnchors: anchorList(anchor),
      now,
      ...(signedAt === undefined ? {} : { signedAt }),
      ...(documentSignerEkus === undefined ? {} : { documentSignerEkus }),
    });
    return { errors: [], warnings: [...checked.warnings] };
  } catch (e) {
    return { errors: [toIssue(e)], warnings: [] };
  }
}
