/**
 * Presentation by the holder: pick the disclosures a request needs (by DCQL claim paths,
 * with every parent a nested claim needs), keep the original disclosure strings, and add
 * a Key Binding JWT.
 *
 * @module
 */
import { type ClaimPath, type ComityContext, ComityError, ComityUsageError, type Signer } from '@comity/core';
import { isClaimPath, pathMatches, pathStartsWith } from './claim-path.js';
import { type DecodedSdJwt, decodeSdJwt } from './decode.js';
import { createKeyBindingJwt } from './key-binding.js';

/** Input of {@link presentSdJwt}. */
export interface PresentSdJwtInput {
  /** Claims to disclose as DCQL claim paths (`null` = every array element); `'all'` discloses everything. */
  readonly disclose: readonly ClaimPath[] | 'all';
  /** Key binding; omit only when the verifier does not require it. */
  readonly keyBinding?: {
    readonly signer: Signer;
    /** The verifier's client_id, or `origin:<origin>` over the DC API. */
    readonly audience: string;
    readonly nonce: string;
    readonly issuedAt?: number;
    /** Extra KB-JWT claims such as `transaction_data_hashes`. */
    readonly extraClaims?: Record<string, unknown>;
  };
}

/**
 * Refuses an SD-JWT+KB offered at issuance and checks its structure (RFC 9901 §7.2).
 * Returns the decoded (unverified) credential for the wallet's own display.
 *
 * @throws ComityError `ERR_SDJWT_KB_AT_ISSUANCE` and every structural code of {@link decodeSdJwt}
 */
export async function receiveSdJwt(token: string, ctx: ComityContext): Promise<DecodedSdJwt> {
  const decoded = await decodeSdJwt(token, ctx);
  if (decoded.keyBindingJwt !== undefined) throw new ComityError('ERR_SDJWT_KB_AT_ISSUANCE', 'an issuer must not send an SD-JWT with a Key Binding JWT');
  return decoded;
}

/**
 * Builds a presentation: `<JWT>~<selected disclosures>~[<KB-JWT>]`. A requested claim
 * nested in disclosed objects brings its parents' disclosures; a requested object brings
 * everything inside it. A parent goes only when the requested claim is in it: for
 * `['degrees', null, 'type']` an element without `type` is not sent.
 *
 * @example
 * ```ts
 * const vp = await presentSdJwt(credential, {
 *   disclose: [['given_name'], ['address', 'locality'], ['nationalities', null]],
 *   keyBinding: { signer: holderSigner, audience: 'x509_san_dns:verifier.example', nonce },
 * }, ctx);
 * ```
 * @throws ComityError `ERR_SDJWT_CLAIM_NOT_FOUND` for a path the credential does not have, `ERR_SDJWT_KB_AT_ISSUANCE`
 * @see RFC 9901 §4.3, OpenID4VP 1.0 §7 (claims path pointer)
 */
export async function presentSdJwt(token: string, input: PresentSdJwtInput, ctx: ComityContext): Promise<string> {
  const decoded = await receiveSdJwt(token, ctx);
  const selected = new Set<number>();
  if (input.disclose === 'all') {
    for (let i = 0; i < decoded.disclosures.length; i++) selected.add(i);
  } else {
    for (const pattern of input.disclose) {
      if (!isClaimPath(pattern)) throw new ComityUsageError('ERR_USAGE_CLAIM_PATH', 'a requested claim path is malformed');
      if (!claimExists(decoded.claims, pattern))
        throw new ComityError('ERR_SDJWT_CLAIM_NOT_FOUND', 'the credential has no claim at a requested path', { details: { path: pattern } });
      decoded.disclosures.forEach((d, i) => {
        // The claim itself, everything inside it, and every disclosure above a claim it names.
        // Only above one that exists: with a `null` step (`['degrees', null, 'type']`) an element
        // without the claim would otherwise go whole, carrying what was never asked for.
        if (
          pathStartsWith(d.path, pattern) ||
          (isAncestorOfMatch(d.path, pattern) && claimExists(valueAt(decoded.claims, d.path), pattern.slice(d.path.length)))
        )
          selected.add(i);
      });
    }
  }
  const jwt = token.slice(0, token.indexOf('~'));
  const kept = decoded.disclosures.filter((_, i) => selected.has(i)).map((d) => d.disclosure);
  const sdJwtWithoutKb = `${jwt}~${kept.map((d) => `${d}~`).join('')}`;
  if (input.keyBinding === undefined) return sdJwtWithoutKb;
  const kb = await createKeyBindingJwt(
    {
      sdJwtWithoutKb,
      hashAlg: decoded.hashAlg,
      signer: input.keyBinding.signer,
      audience: input.keyBinding.audience,
      nonce: input.keyBinding.nonce,
      ...(input.keyBinding.issuedAt === undefined ? {} : { iat: input.keyBinding.issuedAt }),
      ...(input.keyBinding.extraClaims === undefined ? {} : { extraClaims: input.keyBinding.extraClaims }),
    },
    ctx,
  );
  return `${sdJwtWithoutKb}${kb}`;
}

/** True if `path` is a strict prefix of some concrete path `pattern` can match. */
function isAncestorOfMatch(path: ClaimPath, pattern: ClaimPath): boolean {
  return path.length < pattern.length && pathMatches(pattern.slice(0, path.length), path);
}

/** The processed value at a concrete path that exists (a disclosure's own path). */
function valueAt(claims: unknown, path: ClaimPath): unknown {
  let cur = claims;
  for (const k of path) cur = (cur as Record<string | number, unknown>)[k as string | number];
  return cur;
}

function claimExists(claims: unknown, pattern: ClaimPath): boolean {
  if (pattern.length === 0) return true;
  const head = pattern[0] as string | number | null;
  const rest = pattern.slice(1);
  if (head === null) return Array.isArray(claims) && claims.length > 0 && claims.some((c) => claimExists(c, rest));
  if (typeof head === 'number') return Array.isArray(claims) && head < claims.length && claimExists(claims[head], rest);
  return (
    typeof claims === 'object' &&
    claims !== null &&
    !Array.isArray(claims) &&
    Object.hasOwn(claims, head) &&
    claimExists((claims as Record<string, unknown>)[head], rest)
  );
}
