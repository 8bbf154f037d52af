/**
 * The issuer role: a government or other issuer signs credentials in the formats comity
 * supports, with its key behind the `Signer` interface (HSM, KMS or local key).
 *
 * @module
 */
import {
  base64Encode,
  type Certificate,
  type ClaimPath,
  type ComityContext,
  ComityUsageError,
  createContext,
  epochSeconds,
  type Jwk,
  type Signer,
} from '@comity/core';
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

/** A request for any supported format. */
export type CredentialRequest = SdJwtVcRequest;

/** An issued credential, ready for the wallet. */
export interface IssuedCredential {
  readonly format: 'dc+sd-jwt';
  /** The credential in its transport form (compact SD-JWT). */
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
  return {
    async issue(request) {
      if (request.format !== 'dc+sd-jwt') throw new ComityUsageError('ERR_USAGE_FORMAT', 'unsupported credential format');
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
