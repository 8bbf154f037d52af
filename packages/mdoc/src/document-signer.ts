/**
 * The ISO/IEC 18013-5 Annex B certificate profile for issuer chains (IACA → document signer)
 * on top of core's path validation, with a cache per document-signer chain and anchor set.
 *
 * @module
 */
import { type Certificate, ComityError, type Issue, KeyUsage, type ValidatedChain, validateCertificateChain } from '@comity/core';

/**
 * Extended key usage of an mDL document signer.
 *
 * @example
 * ```ts
 * await checkDocumentSignerChain(chain, { trustAnchors, now, documentSignerEkus: [EKU_MDL_DOCUMENT_SIGNER] });
 * ```
 * @see ISO/IEC 18013-5:2021 Annex B.1.4
 */
export const EKU_MDL_DOCUMENT_SIGNER = '1.0.18013.5.1.2';

/** Options of {@link checkDocumentSignerChain}. */
export interface DocumentSignerChainOptions {
  /** Trust anchors: IACA roots, or pinned document-signer certificates. */
  readonly trustAnchors: readonly Certificate[];
  /** Evaluation time. */
  readonly now: Date;
  /** When the MSO was signed (`validityInfo.signed`): must fall inside the document signer's validity. */
  readonly signedAt?: Date;
  /** EKUs accepted for a document signer (default `[1.0.18013.5.1.2]`). */
  readonly documentSignerEkus?: readonly string[];
}

/** A document-signer chain that passed path validation and the profile. */
export interface DocumentSignerChain extends ValidatedChain {
  /** Issuing country from the document signer's subject `C`. */
  readonly country: string | undefined;
  readonly warnings: readonly Issue[];
}

const DEFAULT_EKUS = [EKU_MDL_DOCUMENT_SIGNER];
// Per anchor array: a snapshot of its members (a caller that edits the array in place gets a
// fresh cache) and the validated paths by chain.
const chainCache = new WeakMap<readonly Certificate[], { anchors: readonly Certificate[]; paths: Map<string, ValidatedChain> }>();

const anchorSnapshots = new WeakMap<readonly Certificate[], readonly Certificate[]>();

/**
 * The members of a caller's anchor array as they are now, frozen: one verification uses one
 * set of anchors even when the caller edits its array meanwhile. While the members stay the
 * same the snapshot is the same array, so the chain cache (keyed by it) keeps its entries.
 */
export function snapshotAnchors(anchors: readonly Certificate[]): readonly Certificate[] {
  const known = anchorSnapshots.get(anchors);
  if (known !== undefined && known.length === anchors.length && known.every((a, i) => a === anchors[i])) return known;
  const copy = Object.freeze([...anchors]);
  anchorSnapshots.set(anchors, copy);
  return copy;
}

function profileError(code: string, message: string, index: number): ComityError {
  return new ComityError(code, message, { details: { index } });
}

function firstC(cert: Certificate): string | undefined {
  return cert.subjectAttributes.C?.[0];
}

/**
 * Checks a document signer's chain (leaf first, as carried in `x5chain`) against trust anchors
 * and the ISO 18013-5 profile: the DS is no CA, may sign (keyUsage digitalSignature), carries the
 * DS extended key usage and a country; no intermediate between IACA and DS; the IACA is a CA
 * with path length 0 and the same country; validity at `now` (and at `signedAt`).
 *
 * @example
 * ```ts
 * const { anchor, country } = await checkDocumentSignerChain(chain, { trustAnchors: [iaca], now: new Date() });
 * ```
 * @throws ComityError `ERR_MDOC_DS_PROFILE_CA`, `ERR_MDOC_DS_PROFILE_KEY_USAGE`, `ERR_MDOC_DS_PROFILE_EKU`,
 *   `ERR_MDOC_DS_COUNTRY_MISSING`, `ERR_MDOC_CHAIN_PROFILE`, `ERR_MDOC_IACA_PROFILE`, `ERR_MDOC_COUNTRY_MISMATCH`,
 *   `ERR_MDOC_SIGNED_OUTSIDE_CERT_VALIDITY`, and core's `ERR_X509_*` path-validation codes
 * @see ISO/IEC 18013-5:2021 Annex B.1, §9.3.3
 */
export async function checkDocumentSignerChain(chain: readonly Certificate[], options: DocumentSignerChainOptions): Promise<DocumentSignerChain> {
  const ds = chain[0];
  if (ds === undefined) throw new ComityError('ERR_X509_CHAIN_EMPTY', 'no document signer certificate');
  const warnings: Issue[] = [];
  if (ds.isCA === true) throw profileError('ERR_MDOC_DS_PROFILE_CA', 'document signer certificate is a CA', 0);
  if (ds.keyUsage === undefined || (ds.keyUsage & KeyUsage.digitalSignature) === 0) {
    throw profileError('ERR_MDOC_DS_PROFILE_KEY_USAGE', 'document signer certificate lacks keyUsage digitalSignature', 0);
  }
  const ekus = options.documentSignerEkus ?? DEFAULT_EKUS;
  if (!ds.extKeyUsage.some((e) => ekus.includes(e)))
    throw profileError('ERR_MDOC_DS_PROFILE_EKU', 'document signer certificate lacks the document-signer EKU', 0);
  const country = firstC(ds);
  if (country === undefined) throw profileError('ERR_MDOC_DS_COUNTRY_MISSING', 'document signer subject has no country (C)', 0);
  if (options.signedAt !== undefined && (options.signedAt < ds.notBefore || options.signedAt > ds.notAfter)) {
    throw profileError('ERR_MDOC_SIGNED_OUTSIDE_CERT_VALIDITY', 'the MSO was signed outside the document signer validity', 0);
  }

  const validated = await validateCached(chain, options);
  const { path, anchor } = validated;
  if (path.length > 2) throw profileError('ERR_MDOC_CHAIN_PROFILE', 'an intermediate certificate sits between IACA and document signer', 1);
  const iaca = path[1];
  if (iaca !== undefined) {
    if (iaca.pathLength !== undefined && iaca.pathLength !== 0) throw profileError('ERR_MDOC_IACA_PROFILE', 'IACA path length constraint is not 0', 1);
    if (iaca.pathLength === undefined) warnings.push({ code: 'WARN_MDOC_IACA_PATHLEN_MISSING', message: 'IACA has no path length constraint 0' });
    const iacaCountry = firstC(iaca);
    if (iacaCountry !== undefined && iacaCountry !== country) throw profileError('ERR_MDOC_COUNTRY_MISMATCH', 'IACA and document signer countries differ', 1);
  }
  return { path, anchor, country, warnings };
}

async function validateCached(chain: readonly Certificate[], options: DocumentSignerChainOptions): Promise<ValidatedChain> {
  const anchors = options.trustAnchors;
  let entry = chainCache.get(anchors);
  if (entry === undefined || entry.anchors.length !== anchors.length || entry.anchors.some((a, i) => a !== anchors[i])) {
    entry = { anchors: [...anchors], paths: new Map() };
    chainCache.set(anchors, entry);
  }
  const perAnchors = entry.paths;
  const key = chain.map((c) => c.sha256).join('|');
  const known = perAnchors.get(key);
  if (known !== undefined) {
    // The path was built and its signatures checked before; only the clock may have moved.
    known.path.forEach((c, index) => {
      if (options.now < c.notBefore) throw new ComityError('ERR_X509_NOT_YET_VALID', 'certificate is not yet valid', { details: { index, sha256: c.sha256 } });
      if (options.now > c.notAfter) throw new ComityError('ERR_X509_EXPIRED', 'certificate has expired', { details: { index, sha256: c.sha256 } });
    });
    return known;
  }
  const validated = await validateCertificateChain(chain, { now: options.now, anchors: options.trustAnchors, maxLength: 4 });
  if (perAnchors.size > 1024) perAnchors.clear();
  perAnchors.set(key, validated);
  return validated;
}
