/**
 * Shared types of the trust registry: categories, anchors, sources, agreements and decisions.
 *
 * @module
 */
import type { Certificate, ClaimPath, Jwk } from '@comity/core';

/**
 * Anchor store categories. Each has its own store: an anchor of one category never anchors
 * a credential of another (an access CA never anchors a PID).
 * `mdl` holds ISO 18013-5 IACA anchors (VICAL, X.509 bundles).
 */
export type TrustCategory = 'pid' | 'qeaa' | 'pub-eaa' | 'eaa' | 'mdl' | 'wallet-provider' | 'access-ca' | 'registration-provider';

/**
 * Every category, in a stable order.
 *
 * @example
 * ```ts
 * for (const c of TRUST_CATEGORIES) console.log(c, registry.anchorCount(c));
 * ```
 */
export const TRUST_CATEGORIES: readonly TrustCategory[] = Object.freeze([
  'pid',
  'qeaa',
  'pub-eaa',
  'eaa',
  'mdl',
  'wallet-provider',
  'access-ca',
  'registration-provider',
]);

/** eIDAS level of assurance, ordered low < substantial < high. */
export type LevelOfAssurance = 'low' | 'substantial' | 'high';

/** Multilingual text as in ETSI lists and DCC rules. */
export interface LangText {
  readonly lang: string;
  readonly value: string;
}

/** Kind of a trust source. */
export type TrustSourceKind = 'lote' | 'trusted-list' | 'lotl' | 'vical' | 'x509' | 'jwks';

/** Status of a listed service at one time (ETSI ServiceStatus / ServiceHistory). */
export interface ServiceStatusEntry {
  /** Status URI; `notified` when the list carries none (TS 119 602 EU profiles). */
  readonly status: string;
  /** When this status began; undefined for "since the list says so". */
  readonly start?: Date | undefined;
  /** True when the status lets the service anchor credentials (granted, notified, ...). */
  readonly active: boolean;
}

/** One trust anchor: a certificate or a public key, in exactly one category. */
export interface TrustAnchor {
  readonly category: TrustCategory;
  /** Certificate anchor, parsed (bundles, TL, VICAL). LoTE anchors carry `certificateDer` instead and are parsed on first use. */
  readonly certificate?: Certificate | undefined;
  /** DER of a certificate anchor not parsed yet (large LoTEs load without a full X.509 parse per entry). */
  readonly certificateDer?: Uint8Array | undefined;
  /** Hex of the subject Name DER: the index key matched against a presented certificate's issuer Name. */
  readonly subjectKey?: string | undefined;
  /** Key anchor (JWKS, DID); `certificate` is then absent. */
  readonly jwk?: Jwk | undefined;
  /** Certificate SHA-256 thumbprint (hex) or RFC 7638 JWK thumbprint (base64url). */
  readonly thumbprint: string;
  /** Subject key identifier (hex) of a certificate anchor. */
  readonly subjectKeyId?: string | undefined;
  /** ISO 3166-1 alpha-2 (or `EU`) of the entity behind the anchor. */
  readonly jurisdiction?: string | undefined;
  /** Entity name as listed. */
  readonly entityName?: string | undefined;
  /** Issuer identifier for key anchors (JWKS `iss`, DID). */
  readonly issuerId?: string | undefined;
  /** Service type URI as listed. */
  readonly serviceType?: string | undefined;
  /** Doc types an anchor is limited to (VICAL `docType`). */
  readonly docTypes?: readonly string[] | undefined;
  /** Level of assurance the source vouches for, when configured. */
  readonly loa?: LevelOfAssurance | undefined;
  /** Current status first, then history, newest first. */
  readonly statuses: readonly ServiceStatusEntry[];
  /** Id of the source that listed it. */
  readonly sourceId: string;
}

/** A parsed (and, when loaded through a `load*` function, signature-verified) trust source. */
export interface TrustSource {
  readonly id: string;
  readonly kind: TrustSourceKind;
  /** List type URI (LoTEType, TSLType) when the format has one. */
  readonly listType?: string | undefined;
  readonly territory?: string | undefined;
  readonly sequence?: number | undefined;
  readonly issued?: Date | undefined;
  readonly nextUpdate?: Date | undefined;
  /**
   * True for an ETSI list (TS 119 612 TL, TS 119 602 LoTE) without a NextUpdate date: a closed
   * list (the scheme ceased, ETSI TS 119 612 §5.3.15), never fresh.
   */
  readonly closed?: boolean | undefined;
  /** SHA-256 (hex) of the bytes as received. */
  readonly digest: string;
  /** SHA-256 thumbprint of the pinned certificate the signature verified with; undefined for unsigned local bundles. */
  readonly signerSha256?: string | undefined;
  readonly anchors: readonly TrustAnchor[];
  /** Pointers to other lists (LOTL / LoTE pointers), with the signer certificates they pin. */
  readonly pointers?: readonly TrustListPointer[] | undefined;
}

/** A pointer from a list of lists to another list. */
export interface TrustListPointer {
  readonly location: string;
  readonly territory?: string | undefined;
  readonly listType?: string | undefined;
  readonly mimeType?: string | undefined;
  readonly signerCertificates: readonly Certificate[];
}

/** Result of one check in a decision. */
export type CheckResult = 'pass' | 'fail' | 'skip' | 'unknown';

/** One explained check. */
export interface TrustCheck {
  /** Stable code, `TRUST_*`. */
  readonly code: string;
  readonly result: CheckResult;
  /** Human explanation, at least English and French. */
  readonly message: Readonly<Record<'en' | 'fr', string>>;
  /** Exact inputs for auditors: thumbprints, list sequence and digest, agreement id ... (never claim values). */
  readonly evidence?: Readonly<Record<string, string>> | undefined;
}

/** Outcome of a trust evaluation (cf. ETSI EN 319 102-1 PASSED/FAILED/INDETERMINATE). */
export type TrustOutcome = 'accepted' | 'rejected' | 'indeterminate';

/** The explained decision returned by `evaluateTrust`. */
export interface TrustDecision {
  readonly outcome: TrustOutcome;
  readonly evaluatedAt: string;
  readonly category?: TrustCategory | undefined;
  readonly agreement?: { readonly id: string; readonly version: string; readonly sequence: number } | undefined;
  readonly agreementList?: { readonly issuer: string; readonly sequence: number; readonly digest: string } | undefined;
  /** Lists the decision relied on. */
  readonly sources: ReadonlyArray<{ readonly id: string; readonly kind: TrustSourceKind; readonly sequence?: number | undefined; readonly digest: string }>;
  readonly anchor?: { readonly thumbprint: string; readonly subject?: string | undefined; readonly jurisdiction?: string | undefined } | undefined;
  readonly checks: readonly TrustCheck[];
  /**
   * Claims mapped into the recogniser's schema: empty unless the mapping ran, and empty when
   * rejected. An indeterminate decision keeps them for a caller with its own stale-list policy;
   * use them only when `outcome` is `accepted` (the verifier role withholds them otherwise).
   */
  readonly mappedClaims: Record<string, unknown>;
  /** Paths of presented claims that were not passed on. */
  readonly droppedClaims: readonly ClaimPath[];
  /** Target schema of the mapping, when the scope has one. */
  readonly targetSchema?: string | undefined;
}

/** A format-neutral, already signature-verified credential handed to `evaluateTrust`. */
export interface TrustCredential {
  readonly format: 'dc+sd-jwt' | 'mso_mdoc' | (string & {});
  /** `vct` (SD-JWT VC) or docType (mdoc). */
  readonly type: string;
  /** Issuer certificate chain as presented (x5c / x5chain), leaf first; not yet anchored. */
  readonly issuerCertificates?: readonly Certificate[] | undefined;
  /** Issuer key when no certificate is used (JWKS / DID issuers). */
  readonly issuerJwk?: Jwk | undefined;
  readonly issuerId?: string | undefined;
  /** SD-JWT: the nested claim object; mdoc: `{ namespace: { element: value } }`. */
  readonly claims: Record<string, unknown>;
  /** Level of assurance asserted by the credential, if any. */
  readonly loa?: LevelOfAssurance | undefined;
  /** When the credential was signed (`iat`, MSO `signed`): service status is judged at that time. */
  readonly signedAt?: Date | undefined;
}

/** Who is verifying. */
export interface VerifierProfile {
  /** ISO 3166-1 alpha-2 jurisdiction of the verifier (the recogniser). */
  readonly jurisdiction: string;
  readonly purpose?: string | undefined;
  readonly community?: string | undefined;
}

/** Transform of a claim-mapping rule. */
export type MappingTransform =
  | 'identity'
  | 'date-iso'
  | 'uppercase'
  | 'lowercase'
  | { readonly valueSet: string }
  | { readonly concat: readonly ClaimPath[]; readonly separator?: string };

/** One claim-mapping rule: read `from` (or the first present of `or`), write `to`. */
export interface MappingRule {
  readonly from: ClaimPath;
  readonly or?: readonly ClaimPath[] | undefined;
  readonly to: ClaimPath;
  readonly required?: boolean | undefined;
  readonly transform?: MappingTransform | undefined;
}

/** JsonLogic / CertLogic expression. */
export type LogicExpression = unknown;

/** What an agreement recognises. */
export interface RecognitionScope {
  readonly format: 'dc+sd-jwt' | 'mso_mdoc' | (string & {});
  /** Accepted `vct` values or docTypes. */
  readonly types: readonly string[];
  /** Anchor store the issuer must chain to. */
  readonly category: TrustCategory;
  readonly minLoA?: LevelOfAssurance | undefined;
  /** Verifier purposes this scope covers; absent = any. */
  readonly purposes?: readonly string[] | undefined;
  /** Allow-list of claims passed on when there is no mapping. */
  readonly acceptedClaims?: readonly ClaimPath[] | undefined;
  readonly mapping?: { readonly targetSchema: string; readonly rules: readonly MappingRule[] } | undefined;
  /** Optional CertLogic condition on the mapped claims (`payload.*`). */
  readonly condition?: { readonly id: string; readonly logic: LogicExpression; readonly description?: readonly LangText[] } | undefined;
}

/** Lifecycle state of an agreement. */
export interface AgreementStatus {
  readonly state: 'active' | 'suspended' | 'terminated';
  readonly since?: string | undefined;
  readonly reason?: readonly LangText[] | undefined;
  /** Suspension through a Token Status List without reissuing (status value 0 = valid). */
  readonly statusList?: { readonly uri: string; readonly idx: number } | undefined;
}

/** A mutual-recognition agreement (one direction: the recogniser accepts what the recognised party's sources anchor). */
export interface RecognitionAgreement {
  readonly id: string;
  readonly version: string;
  readonly sequence: number;
  readonly recogniser: { readonly jurisdiction: string; readonly community?: string | undefined; readonly name?: readonly LangText[] | undefined };
  readonly recognised: { readonly jurisdiction: string; readonly name?: readonly LangText[] | undefined };
  /** Trust sources (registry source ids) whose anchors count, optionally pinned by list signer thumbprint; absent = any source. */
  readonly sources?: ReadonlyArray<{ readonly id: string; readonly signerSha256?: readonly string[] | undefined }> | undefined;
  readonly scopes: readonly RecognitionScope[];
  readonly validity: { readonly notBefore: string; readonly notAfter: string; readonly changeLeadTime?: string | undefined };
  readonly status: AgreementStatus;
  readonly evaluation?: { readonly onStaleSource?: 'reject' | 'indeterminate' | undefined } | undefined;
  /** Value sets for `{ valueSet }` transforms: name → { source value → target value }. */
  readonly valueSets?: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined;
  readonly legalBasis?: { readonly uri: string; readonly title?: readonly LangText[] | undefined } | undefined;
}

/** A signed, sequence-numbered list of agreements made by one recogniser. */
export interface AgreementList {
  readonly type: 'comity-agreement-list';
  /** Jurisdiction (or community id) of the recogniser who signs the list. */
  readonly issuer: string;
  readonly sequence: number;
  readonly issued: string;
  readonly nextUpdate?: string | undefined;
  readonly agreements: readonly RecognitionAgreement[];
}

/** A per-verifier acceptance rule (CertLogic over `{ payload: mappedClaims, external }`). */
export interface AcceptanceRule {
  readonly id: string;
  readonly logic: LogicExpression;
  readonly description?: readonly LangText[] | undefined;
  /** Types the rule applies to; absent = all. */
  readonly types?: readonly string[] | undefined;
}

/** Registry-wide policy. */
export interface TrustPolicy {
  /** What a list past NextUpdate yields when the agreement does not say: `indeterminate` (default) or `reject`. */
  readonly onStaleSource?: 'reject' | 'indeterminate' | undefined;
  /** Longest certificate path including the anchor (default 5). */
  readonly maxChainLength?: number | undefined;
  /**
   * When the listed service must have been active for `TRUST_SERVICE_STATUS`:
   * `signing-time` (default; ETSI TS 119 612: a service withdrawn later does not undo what it
   * signed while granted) judges it at the credential's `signedAt`, which the issuer writes
   * itself; `evaluation-time` judges it now, so that a withdrawal (say, after a key compromise)
   * also refuses credentials whose issuer dates them before it.
   */
  readonly serviceStatusAt?: 'signing-time' | 'evaluation-time' | undefined;
}
