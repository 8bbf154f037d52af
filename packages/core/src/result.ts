/**
 * The result shape every comity verification returns, whatever the credential format.
 *
 * @module
 */
import type { Issue } from './errors.js';
import type { Jwk } from './jwk.js';

/** Who issued a credential and how its key was established. */
export interface IssuerInfo {
  /** Issuer identifier: `iss` for SD-JWT VC, the document signer's subject for mdoc. */
  readonly id?: string | undefined;
  /** How the issuer key was found: `jwk` (pinned), `x5c`/`x5chain`, `jwt-vc-issuer-metadata`, `did`. */
  readonly keyMethod: string;
  /** The key that verified the issuer signature. */
  readonly jwk?: Jwk | undefined;
  /** SHA-256 thumbprints (hex) of the certificate path, leaf first, when X.509 was used. */
  readonly certificateChain?: readonly string[] | undefined;
  /** The trust anchor reached (thumbprint and subject) when X.509 was used. */
  readonly anchor?: { readonly sha256: string; readonly subject: string } | undefined;
  /** ISO 3166-1 country of the issuer, when known (certificate `C`, `issuing_country`). */
  readonly country?: string | undefined;
}

/** Outcome of verifying one credential presentation. */
export interface VerificationResult<Claims = Record<string, unknown>> {
  /** True only when no error was found. */
  readonly valid: boolean;
  /** Format identifier: `dc+sd-jwt`, `sd-jwt`, `mso_mdoc`. */
  readonly format: string;
  /** Disclosed claims (empty when invalid before claims could be read). */
  readonly claims: Claims;
  readonly issuer?: IssuerInfo | undefined;
  /** Every rule that failed, with a stable code. */
  readonly errors: readonly Issue[];
  /** Tolerated deviations (e.g. non-canonical encodings), with a stable code. */
  readonly warnings: readonly Issue[];
}
