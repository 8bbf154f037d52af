/**
 * The issuer role: a government or other issuer signs credentials in the formats comity
 * supports, with its key behind the `Signer` interface (HSM, KMS or local key).
 *
 * @module
 */
import {
  base64Encode,
  base64urlEncode,
  type Certificate,
  type ClaimPath,
  type ComityContext,
  ComityUsageError,
  createContext,
  epochSeconds,
  isPlainObject,
  type Jwk,
  type Signer,
} from '@comity/core';
import { issueMdoc, type MsoDigestAlgorithm } from '@comity/mdoc';
import { issueSdJwtVc } from '@comity/sd-jwt-vc';
import {
  checkDecoys,
  checkDigestAlgorithm,
  checkHolderKey,
  checkOptions,
  checkStatus,
  checkText,
  checkValidity,
  checkVctIntegrity,
  copyClaims,
  copyDisclosable,
  copyKeyAuthorizations,
  copyNameSpaces,
  guardSigner,
} from './internal/request-check.js';

/** Who issues, and with which key. */
export interface IssuerOptions {
  /** Signs credentials (the issuer's private key, local or remote). */
  readonly signer: Signer;
  /** Issuer identifier (`iss` of SD-JWT VCs), e.g. `https://pid.bund.example`. */
  readonly issuerId?: string;
  /** Key identifier put in the SD-JWT VC header (`kid`), also next to `x5c` when a certificate chain is given. */
  readonly kid?: string;
  /** The issuer's certificate chain, leaf first, without the root: sent as `x5c` / `x5chain`. */
  readonly certificateChain?: readonly Certificate[];
  readonly ctx?: ComityContext;
  /** How long one signature may take before `issue` gives up with `ERR_ISSUER_SIGNER_TIMEOUT` (default 60 000 ms). */
  readonly signerTimeoutMs?: number;
}

/** Validity of a credential, in whole seconds; the same rule for both formats. */
export interface Validity {
  /** Seconds from the issuance time until expiry, a positive integer (default one year): SD-JWT VC `exp`, mdoc `validUntil`. */
  readonly expiresInSeconds?: number;
  /** Not valid before this NumericDate, an integer before the expiry: SD-JWT VC `nbf`, mdoc `validFrom` (not in the past for an mdoc). */
  readonly notBefore?: number;
}

/** An SD-JWT VC to issue. */
export interface SdJwtVcRequest {
  readonly format: 'dc+sd-jwt';
  readonly vct: string;
  readonly claims: Record<string, unknown>;
  /** Selectively disclosable claims as claim paths; every top-level claim when omitted. */
  readonly disclosable?: readonly ClaimPath[];
  /** The wallet's key for key binding (`cnf.jwk`). */
  readonly holderKey: Jwk;
  readonly validity?: Validity;
  /** Status reference (`{ status_list: { idx, uri } }`). */
  readonly status?: Record<string, unknown>;
  /** SRI integrity metadata of the Type Metadata (`vct#integrity`), e.g. `sha256-<base64>`. */
  readonly vctIntegrity?: string;
  /** Decoy digests added to the top-level `_sd`, a non-negative integer. */
  readonly decoys?: number;
}

/** An ISO 18013-5 mdoc to issue (mDL, EU PID in mdoc form, ...). Needs `certificateChain` (the document signer). */
export interface MdocRequest {
  readonly format: 'mso_mdoc';
  readonly docType: string;
  /** Elements by namespace; use `FullDate` from `@comity/mdoc` for full-dates. */
  readonly nameSpaces: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The wallet's device key (`deviceKeyInfo.deviceKey`). */
  readonly holderKey: Jwk;
  readonly validity?: Validity;
  readonly digestAlgorithm?: MsoDigestAlgorithm;
  readonly keyAuthorizations?: { readonly nameSpaces?: readonly string[]; readonly dataElements?: Readonly<Record<string, readonly string[]>> };
  /** MSO status reference (`{ status_list: { idx, uri } }`). */
  readonly status?: Readonly<Record<string, unknown>>;
}

/** A request for any supported format. */
export type CredentialRequest = SdJwtVcRequest | MdocRequest;

/** An issued credential, ready for the wallet. */
export interface IssuedCredential {
  readonly format: 'dc+sd-jwt' | 'mso_mdoc';
  /** The credential in its OpenID4VCI transport form: compact SD-JWT, or base64url IssuerSigned CBOR. */
  readonly credential: string;
}

/** The issuer role. */
export interface Issuer {
  issue(request: CredentialRequest): Promise<IssuedCredential>;
}

/**
 * Creates an issuer. The options are checked here; each request when it is issued, before
 * anything is signed.
 *
 * @example
 * ```ts
 * const issuer = createIssuer({ signer, issuerId: 'https://pid.bund.example', certificateChain: [dsCert] });
 * const { credential } = await issuer.issue({ format: 'dc+sd-jwt', vct: 'urn:eudi:pid:1', claims, holderKey });
 * ```
 * @throws ComityUsageError from `createIssuer`: `ERR_USAGE_SIGNER`, `ERR_USAGE_ISSUER_OPTIONS` (`issuerId`, `kid`),
 *   `ERR_USAGE_CERTIFICATE_CHAIN`; from `issue`: `ERR_USAGE_CREDENTIAL_REQUEST` (a request member of the wrong shape),
 *   `ERR_USAGE_FORMAT`, `ERR_USAGE_CLAIM_CONFLICT`, `ERR_USAGE_SD_PATH`, `ERR_USAGE_CERTIFICATE_CHAIN`, `ERR_USAGE_MDOC_ISSUE`,
 *   and the other usage errors of `issueSdJwtVc` and `issueMdoc`
 * @throws ComityError from `issue`, when the signer fails: `ERR_ISSUER_SIGNER_FAILED` (it threw or rejected; the value is the
 *   `cause`), `ERR_ISSUER_SIGNER_TIMEOUT` (no answer within `signerTimeoutMs`), `ERR_ISSUER_SIGNATURE_MALFORMED` (not a byte
 *   array of the raw signature length of its `alg`)
 * @see draft-ietf-oauth-sd-jwt-vc §3; ISO/IEC 18013-5:2021 §9.1.2.4
 */
export function createIssuer(options: IssuerOptions): Issuer {
  const checked = checkOptions(options);
  const { issuerId, kid, certificateChain } = checked;
  // What the formats call: the signer's alg and sign as they were here, its failures and answers checked.
  const signer = guardSigner(checked.signer, options.signer, checked.signerTimeoutMs);
  const ctx = checked.ctx ?? createContext();
  // kid is kept next to x5c (RFC 7515 §4.1.4 allows both): a verifier that resolves keys by kid
  // (issuer metadata, pinned keys) needs it, one that trusts the chain ignores it.
  const header: Record<string, unknown> = {};
  if (kid !== undefined) header.kid = kid;
  if (certificateChain.length > 0) header.x5c = certificateChain.map((c) => base64Encode(c.der));

  const issueSdJwtVcCredential = async (request: SdJwtVcRequest): Promise<IssuedCredential> => {
    const vct = checkText(request.vct, 'vct');
    const claims = copyClaims(request.claims);
    const disclosable = copyDisclosable(request.disclosable) ?? Object.keys(claims).map((k) => [k]);
    const holderKey = checkHolderKey(request.holderKey);
    const now = epochSeconds(ctx);
    const { notBefore, expiresAt } = checkValidity(request.validity, now, 'dc+sd-jwt');
    const status = checkStatus(request.status);
    const vctIntegrity = checkVctIntegrity(request.vctIntegrity);
    const decoys = checkDecoys(request.decoys);
    const credential = await issueSdJwtVc(
      {
        vct,
        claims,
        disclosable,
        holderKey,
        issuedAt: now,
        expiresAt,
        ...(notBefore === undefined ? {} : { notBefore }),
        ...(issuerId === undefined ? {} : { issuer: issuerId }),
        ...(status === undefined ? {} : { status }),
        ...(vctIntegrity === undefined ? {} : { vctIntegrity }),
        ...(decoys === undefined ? {} : { decoys }),
        header,
        signer,
      },
      ctx,
    );
    return { format: 'dc+sd-jwt', credential };
  };

  const issueMdocCredential = async (request: MdocRequest): Promise<IssuedCredential> => {
    if (certificateChain.length === 0) throw new ComityUsageError('ERR_USAGE_CERTIFICATE_CHAIN', 'mdoc issuance needs the document signer certificate chain');
    const nameSpaces = copyNameSpaces(request.nameSpaces);
    const deviceKey = checkHolderKey(request.holderKey);
    const signed = ctx.now();
    const now = Math.floor(signed.getTime() / 1000);
    const { notBefore, expiresAt } = checkValidity(request.validity, now, 'mso_mdoc');
    const keyAuthorizations = copyKeyAuthorizations(request.keyAuthorizations);
    const status = checkStatus(request.status);
    const digestAlgorithm = checkDigestAlgorithm(request.digestAlgorithm);
    const bytes = await issueMdoc({
      docType: request.docType,
      nameSpaces,
      deviceKey,
      signer,
      certificateChain,
      validity: { signed, validFrom: notBefore === undefined ? signed : new Date(notBefore * 1000), validUntil: new Date(expiresAt * 1000) },
      ...(digestAlgorithm === undefined ? {} : { digestAlgorithm }),
      ...(keyAuthorizations === undefined ? {} : { keyAuthorizations }),
      ...(status === undefined ? {} : { status }),
      ctx,
    });
    return { format: 'mso_mdoc', credential: base64urlEncode(bytes) };
  };

  return {
    async issue(request) {
      if (!isPlainObject(request)) throw new ComityUsageError('ERR_USAGE_CREDENTIAL_REQUEST', 'issue() needs a credential request object');
      if (request.format === 'mso_mdoc') return issueMdocCredential(request);
      if (request.format === 'dc+sd-jwt') return issueSdJwtVcCredential(request);
      throw new ComityUsageError('ERR_USAGE_FORMAT', 'unsupported credential format');
    },
  };
}
