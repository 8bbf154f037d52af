/**
 * What the wallet checks of a credential on receipt (RFC 9901 §7.2; ISO 18013-5 §9.3.1 without
 * the verifier's trust policy): integrity, so the citizen is never shown values its issuer did
 * not sign. Whom to trust stays the verifier's decision.
 *
 * @module
 */
import {
  type ComityContext,
  ComityError,
  checkAlgorithm,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCompactJws,
  isPlainObject,
  type Jwk,
  type Signer,
  thumbprintInput,
  verifyJwsSignature,
} from '@comity/core';
import { verifyIssuerSigned } from '@comity/mdoc';
import {
  checkNeverDisclosed,
  type DecodedSdJwt,
  type IssuerKeyCandidate,
  type IssuerKeyInput,
  type IssuerKeyResolver,
  SD_JWT_VC_TYPES,
  typMatches,
  x5cCertificatesOf,
  x5cIssuerKey,
} from '@comity/sd-jwt-vc';

/**
 * What a wallet can check of an mdoc on receipt without the verifier's trust anchors: the
 * structure, the issuer signature with the document signer of its x5chain, every value digest
 * and the validity. A credential that fails is refused, so the citizen is never shown values
 * its issuer did not sign. Trust policy stays the verifier's: the document signer's profile and
 * certificate checks (an EKU a verifier may configure, its country, its validity) do not refuse
 * a credential here, and one that only becomes valid later is kept.
 *
 * Returns the subject of the document signer certificate whose key verified the signature: who
 * the credential says signed it, not anchored in any trust list.
 *
 * @throws ComityError the first failing `ERR_MDOC_*` code, every such code in `details.codes`
 */
export async function checkReceivedMdoc(bytes: Uint8Array, ctx: ComityContext): Promise<string | undefined> {
  const result = await verifyIssuerSigned(bytes, { trustAnchors: [], anchoring: 'deferred', ctx });
  const errors = result.errors.filter((e) => !VERIFIER_POLICY_CODES.test(e.code));
  const first = errors[0];
  if (first !== undefined)
    throw new ComityError(first.code, `the mdoc credential does not verify: ${first.message}`, { details: { codes: errors.map((e) => e.code) } });
  return result.issuer?.id;
}

// Document-signer profile, certificate, country and jurisdiction rules, and a validity that starts later.
const VERIFIER_POLICY_CODES =
  /^(ERR_MDOC_DS_|ERR_X509_|ERR_MDOC_CHAIN_PROFILE$|ERR_MDOC_IACA_PROFILE$|ERR_MDOC_COUNTRY_MISMATCH$|ERR_MDOC_ISSUING_JURISDICTION_MISMATCH$|ERR_MDOC_SIGNED_OUTSIDE_CERT_VALIDITY$|ERR_MDOC_NOT_YET_VALID$)/;

/**
 * What the protected header must say whether or not the signature can be checked here: an SD-JWT
 * VC `typ` (a media type: case-insensitive, `application/` optional) and an `alg` of the default
 * allow-list (never `none` or HMAC). A credential no verifier would accept is refused now rather
 * than stored as `unchecked`.
 *
 * @throws ComityError `ERR_SDJWT_TYP_MISMATCH`, `ERR_SDJWT_ALG_NOT_ALLOWED`
 */
export function checkReceivedHeader(decoded: DecodedSdJwt): void {
  if (!typMatches(decoded.header.typ, SD_JWT_VC_TYPES)) throw new ComityError('ERR_SDJWT_TYP_MISMATCH', 'issuer-signed JWT "typ" is not an SD-JWT VC type');
  checkAlgorithm(decoded.header.alg, DEFAULT_SIGNATURE_ALGORITHMS, 'issuer-signed JWT', 'ERR_SDJWT');
}

/**
 * A credential that discloses a claim SD-JWT VC §3.2.2 keeps out of disclosures (`iss`, `cnf`,
 * `status`...): every verifier refuses its presentations, so it is refused now, as a bad header
 * is, rather than stored and failing at each use.
 *
 * @throws ComityError `ERR_SDJWT_VC_CLAIM_NOT_DISCLOSABLE`
 */
export function checkReceivedDisclosures(decoded: DecodedSdJwt): void {
  checkNeverDisclosed(decoded.disclosures.map((d) => d.path));
}

// The x5c chain is self-anchored here: trust is the verifier's; integrity is the wallet's.
const X5C_INTEGRITY = x5cIssuerKey({ anchoring: 'deferred' });

/** How the wallet checked the issuer signature of a received SD-JWT VC. */
export interface ReceivedSignature {
  readonly issuerSignature: 'verified' | 'unchecked';
  /**
   * When `verified`: the key resolution under which the other signatures of a General JSON
   * Serialization must verify too (see {@link verifiedOtherSignatures}).
   */
  readonly resolution?: IssuerKeyResolver;
}

/**
 * RFC 9901 §7.2: the holder processes a received SD-JWT as in §7.1, signature included. With an
 * `x5c` header the wallet checks the issuer signature by the leaf certificate's key (the chain,
 * its key usage and the SAN binding of `iss` as well); without one, by the keys the wallet's
 * `issuerKey` resolver finds (at most 8 tried). So values changed in transit are refused.
 * With neither the signature cannot be checked here: `unchecked`.
 *
 * Keys are found from the protected header only: unprotected parameters (JSON Serialization)
 * are not signed and play no part.
 *
 * @throws ComityError `ERR_SDJWT_X5C_*`, `ERR_X509_*`, the resolver's codes, `ERR_SDJWT_ISSUER_KEY_UNRESOLVED`,
 *   `ERR_SDJWT_ALG_NOT_ALLOWED`, `ERR_SDJWT_SIGNATURE_INVALID`
 */
export async function checkReceivedSignature(
  jwt: string,
  decoded: IssuerKeyInput,
  issuerKey: IssuerKeyResolver | undefined,
  ctx: ComityContext,
): Promise<ReceivedSignature> {
  const x5c = decoded.header.x5c !== undefined;
  const resolve = x5c ? X5C_INTEGRITY : issuerKey;
  if (resolve === undefined) return { issuerSignature: 'unchecked' };
  const candidate = await verifyIssuerSignature(jwt, decoded, resolve, x5c, ctx);
  if (!x5c) return { issuerSignature: 'verified', resolution: resolve };
  // The self-anchored chain of the first signature is the trust it established: another
  // signature must chain to one of its certificates (its leaf too), not to a chain of its own.
  const chain = x5cCertificatesOf(candidate);
  return { issuerSignature: 'verified', resolution: chain === undefined ? NO_KEYS : x5cIssuerKey({ trustAnchors: chain }) };
}

const NO_KEYS: IssuerKeyResolver = () => Promise.resolve([]);

async function verifyIssuerSignature(
  jwt: string,
  input: IssuerKeyInput,
  resolve: IssuerKeyResolver,
  x5c: boolean,
  ctx: ComityContext,
): Promise<IssuerKeyCandidate> {
  const candidates = await resolve({ header: input.header, payload: input.payload }, ctx);
  if (candidates.length === 0) {
    throw x5c
      ? new ComityError('ERR_SDJWT_X5C_INVALID', 'the x5c header names no usable key')
      : new ComityError('ERR_SDJWT_ISSUER_KEY_UNRESOLVED', 'no issuer key could be established for the received credential');
  }
  const jws = decodeCompactJws(jwt, 'issuer-signed JWT', 'ERR_SDJWT');
  const verifyOptions = { algorithms: DEFAULT_SIGNATURE_ALGORITHMS, crypto: ctx.crypto, codePrefix: 'ERR_SDJWT' };
  for (const candidate of candidates.slice(0, 8)) {
    try {
      await verifyJwsSignature(jws, candidate.jwk, verifyOptions);
      return candidate;
    } catch (e) {
      // The algorithm is refused whatever the key: say so. A key of another type cannot have signed: try the next.
      if (!(e instanceof ComityError) || e.code === 'ERR_SDJWT_ALG_NOT_ALLOWED') throw e;
    }
  }
  throw new ComityError('ERR_SDJWT_SIGNATURE_INVALID', 'the issuer signature does not verify with any issuer key');
}

/**
 * The signatures after the first of a General JSON Serialization (RFC 9901 §8.3) that the wallet
 * will forward, by their index in `signed` (the first is index 0 and not checked here). When the
 * first signature was `verified`, another is kept only when it verifies under the same key
 * resolution (the wallet's `issuerKey` resolver, or a chain to a certificate of the first
 * signature's `x5c`) with an SD-JWT VC `typ` and an allowed `alg`: a signature added by a hostile
 * issuer or in transit, which the wallet cannot vouch for, never reaches a verifier. When the first
 * is `unchecked` nothing is checked (the credential says so) and every signature is kept.
 */
export async function verifiedOtherSignatures(
  signed: readonly { readonly jwt: string }[],
  payload: IssuerKeyInput['payload'],
  received: ReceivedSignature,
  ctx: ComityContext,
): Promise<{ kept: number[]; dropped: number[] }> {
  const kept: number[] = [];
  const dropped: number[] = [];
  for (let index = 1; index < signed.length; index++) {
    const { resolution } = received;
    if (received.issuerSignature === 'unchecked' || resolution === undefined) {
      kept.push(index);
      continue;
    }
    const jwt = (signed[index] as { jwt: string }).jwt;
    try {
      const { header } = decodeCompactJws(jwt, 'issuer-signed JWT', 'ERR_SDJWT');
      if (!typMatches(header.typ, SD_JWT_VC_TYPES)) throw new ComityError('ERR_SDJWT_TYP_MISMATCH', 'issuer-signed JWT "typ" is not an SD-JWT VC type');
      await verifyIssuerSignature(jwt, { header, payload }, resolution, header.x5c !== undefined, ctx);
      kept.push(index);
    } catch (e) {
      if (!(e instanceof ComityError)) throw e;
      dropped.push(index);
    }
  }
  return { kept, dropped };
}

/**
 * The key the issuer bound the credential to (SD-JWT VC `cnf.jwk`, mdoc `deviceKey`) must be the
 * wallet's own when its signer tells its public key: a credential bound to another key could
 * never be presented, and would only fail later at a verifier. Nothing is compared when the
 * signer does not tell its key or the credential names no key.
 *
 * @throws ComityError `ERR_HOLDER_KEY_MISMATCH`
 */
export function checkBoundToSigner(bound: unknown, signer: Signer): void {
  if (signer.publicJwk === undefined || !isPlainObject(bound)) return;
  let same: boolean;
  try {
    // RFC 7638 members only: kid, use or alg do not make a different key.
    same = thumbprintInput(bound as Jwk) === thumbprintInput(signer.publicJwk);
  } catch {
    same = false;
  }
  if (!same) throw new ComityError('ERR_HOLDER_KEY_MISMATCH', 'the credential is bound to another key than the key binding key of the wallet');
}

/** Clock skew granted to `exp`, as the SD-JWT VC verifier grants it. */
const EXP_SKEW_SECONDS = 60;

/**
 * An SD-JWT VC whose `exp` has passed is refused on receipt, as an mdoc whose `validUntil` has
 * passed is (ERR_MDOC_EXPIRED): no verifier would accept it. One not yet valid (`nbf`) is kept.
 *
 * @throws ComityError `ERR_SDJWT_EXPIRED`
 */
export function checkReceivedNotExpired(claims: Record<string, unknown>, ctx: ComityContext): void {
  const exp = claims.exp;
  if (typeof exp === 'number' && Math.floor(ctx.now().getTime() / 1000) > exp + EXP_SKEW_SECONDS)
    throw new ComityError('ERR_SDJWT_EXPIRED', 'the credential has expired');
}
