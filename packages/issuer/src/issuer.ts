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
  type Jwk,
  type Signer,
} from '@comity/core';
import { issueMdoc, type MsoDigestAlgorithm } from '@comity/mdoc';
import { issueSdJwtVc } from '@comity/sd-jwt-vc';

/** Who issues, and with which key. */
export interface IssuerOptions {
  /** Signs credentials (the issuer's private key, local or remote). */
  readonly signer: Signer;
  /** Issuer identifier (`iss` of SD-JWT VCs), e.g. `https://pid.bund.example`. */
  readonly issuerId?: string;
  /** Key identifier put in the JWS header when no certificate chain is given. */
  readonly kid?: string;
  /** The issuer's certificate chain, leaf first, without the root: sent as `x5c` / `x5chain`. */
  readonly certificateChain?: readonly Certificate[];
  readonly ctx?: ComityContext;
}

/** Validity of a credential. */
export interface Validity {
  /** Seconds from now until expiry (default one year). */
  readonly expiresInSeconds?: number;
  /** Not valid before this NumericDate. */
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
  readonly vctIntegrity?: string;
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
 * Creates an issuer.
 *
 * @example
 * ```ts
 * const issuer = createIssuer({ signer, issuerId: 'https://pid.bund.example', certificateChain: [dsCert] });
 * const { credential } = await issuer.issue({ format: 'dc+sd-jwt', vct: 'urn:eudi:pid:1', claims, holderKey });
 * ```
 * @throws ComityUsageError `ERR_USAGE_FORMAT` for an unknown format, and the format's usage errors
 */
export function createIssuer(options: IssuerOptions): Issuer {
  const ctx = options.ctx ?? createContext();
  const x5c = options.certificateChain?.map((c) => base64Encode(c.der));
  const header: Record<string, unknown> = x5c !== undefined && x5c.length > 0 ? { x5c } : options.kid !== undefined ? { kid: options.kid } : {};
  const issueMdocCredential = async (request: MdocRequest): Promise<IssuedCredential> => {
    const chain = options.certificateChain ?? [];
    if (chain.length === 0) throw new ComityUsageError('ERR_USAGE_CERTIFICATE_CHAIN', 'mdoc issuance needs the document signer certificate chain');
    const signed = ctx.now();
    const notBefore = request.validity?.notBefore === undefined ? signed : new Date(request.validity.notBefore * 1000);
    const bytes = await issueMdoc({
      docType: request.docType,
      nameSpaces: request.nameSpaces,
      deviceKey: request.holderKey,
      signer: options.signer,
      certificateChain: chain,
      validity: { signed, validFrom: notBefore, validUntil: new Date(signed.getTime() + (request.validity?.expiresInSeconds ?? 365 * 86400) * 1000) },
      ...(request.digestAlgorithm === undefined ? {} : { digestAlgorithm: request.digestAlgorithm }),
      ...(request.keyAuthorizations === undefined ? {} : { keyAuthorizations: request.keyAuthorizations }),
      ...(request.status === undefined ? {} : { status: request.status }),
      ctx,
    });
    return { format: 'mso_mdoc', credential: base64urlEncode(bytes) };
  };
  return {
    async issue(request) {
      if (request === null || typeof request !== 'object')
        throw new ComityUsageError('ERR_USAGE_CREDENTIAL_REQUEST', 'issue() needs a credential request object');
      if (request.format === 'mso_mdoc') return issueMdocCredential(request);
      if (request.format !== 'dc+sd-jwt') throw new ComityUsageError('ERR_USAGE_FORMAT', 'unsupported credential format');
      if (request.claims === null || typeof request.claims !== 'object' || Array.isArray(request.claims))
        throw new ComityUsageError('ERR_USAGE_CREDENTIAL_REQUEST', 'an SD-JWT VC request needs a claims object');
      const now = epochSeconds(ctx);
      const credential = await issueSdJwtVc(
        {
          vct: request.vct,
          claims: request.claims,
          disclosable: request.disclosable ?? Object.keys(request.claims).map((k) => [k]),
          holderKey: request.holderKey,
          issuedAt: now,
          expiresAt: now + (request.validity?.expiresInSeconds ?? 365 * 86400),
          ...(request.validity?.notBefore === undefined ? {} : { notBefore: request.validity.notBefore }),
          ...(options.issuerId === undefined ? {} : { issuer: options.issuerId }),
          ...(request.status === undefined ? {} : { status: request.status }),
          ...(request.vctIntegrity === undefined ? {} : { vctIntegrity: request.vctIntegrity }),
          ...(request.decoys === undefined ? {} : { decoys: request.decoys }),
          header,
          signer: options.signer,
        },
        ctx,
      );
      return { format: 'dc+sd-jwt', credential };
    },
  };
}
