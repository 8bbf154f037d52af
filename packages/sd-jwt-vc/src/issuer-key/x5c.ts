/**
 * Issuer keys from the `x5c` header: strict decoding, chain validation to trust anchors
 * (or deferred anchoring), and the binding of `iss` to the end-entity certificate.
 *
 * @module
 */
import {
  type Certificate,
  type ComityContext,
  ComityError,
  ComityUsageError,
  certificateNamesUri,
  type IssuerInfo,
  KeyUsage,
  parseCertificate,
  validateCertificateChain,
} from '@comity/core';
import type { IssuerKeyCandidate, IssuerKeyInput, IssuerKeyResolver } from './index.js';
import { decodeStdBase64 } from './internal/std-base64.js';

/**
 * How `iss` relates to the end-entity certificate:
 * - `san-if-present` (default): when the leaf has a subjectAltName extension, a present `iss`
 *   must be named by it; a leaf without SAN (the EUDI reference PID certificates have none,
 *   and the current draft and HAIP require none) leaves `iss` unverified;
 * - `san`: a present `iss` must always be named by a SAN of the leaf;
 * - `unverified`: `iss` is never checked against the certificate.
 * Whenever `iss` is not verified, the issuer id reported is the leaf subject, never `iss`.
 */
export type X5cIssBinding = 'san-if-present' | 'san' | 'unverified';

interface X5cCommonOptions {
  /** Longest chain accepted, anchor included (default 6). */
  readonly maxChainLength?: number;
  /** See {@link X5cIssBinding}. Default `san-if-present`. */
  readonly issBinding?: X5cIssBinding;
}

/** How an x5c chain is anchored: to configured anchors now, or later by a trust decision. */
export type X5cIssuerKeyOptions =
  | (X5cCommonOptions & { readonly trustAnchors: readonly Certificate[] })
  | (X5cCommonOptions & { readonly anchoring: 'deferred' });

/** Most certificates accepted in one `x5c` header. */
const MAX_X5C_ENTRIES = 10;
const SUBJECT_ALT_NAME = '2.5.29.17';

// Parsed certificate paths by candidate and by IssuerInfo, for trust decisions made later.
const chains = new WeakMap<object, readonly Certificate[]>();

/**
 * Decodes an `x5c` header value (RFC 7515 §4.1.6): a non-empty array of standard base64
 * DER certificates, leaf first. Strict: no whitespace, no base64url, canonical padding.
 *
 * @example
 * ```ts
 * const [leaf, ...rest] = await parseX5c(header.x5c);
 * ```
 * @throws ComityError `ERR_SDJWT_X5C_INVALID`
 * @see RFC 7515 §4.1.6
 */
export async function parseX5c(value: unknown): Promise<Certificate[]> {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_X5C_ENTRIES) {
    throw new ComityError('ERR_SDJWT_X5C_INVALID', 'x5c must be a non-empty array of certificates', {
      details: { length: Array.isArray(value) ? value.length : undefined },
    });
  }
  const out: Certificate[] = [];
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    if (typeof entry !== 'string') throw new ComityError('ERR_SDJWT_X5C_INVALID', 'x5c entry is not a string', { details: { index: i } });
    const der = decodeStdBase64(entry, 'ERR_SDJWT_X5C_INVALID', `x5c entry ${i}`);
    try {
      out.push(await parseCertificate(der));
    } catch (cause) {
      throw new ComityError('ERR_SDJWT_X5C_INVALID', 'x5c entry is not a valid certificate', { cause, details: { index: i } });
    }
  }
  return out;
}

/**
 * The parsed certificate path behind a candidate produced by {@link x5cIssuerKey}, leaf
 * first (anchored mode: up to and including the anchor; deferred mode: the `x5c` chain
 * as validated). Accepts the candidate or its `issuer` object. For the trust registry,
 * which anchors deferred chains itself.
 *
 * @example
 * ```ts
 * const chain = x5cCertificatesOf(candidate) ?? [];
 * ```
 */
export function x5cCertificatesOf(candidateOrIssuer: IssuerKeyCandidate | IssuerInfo): readonly Certificate[] | undefined {
  return chains.get(candidateOrIssuer);
}

/**
 * A resolver for credentials whose header carries `x5c`. The chain is validated at
 * `ctx.now()` to `trustAnchors` (any configured certificate, a pinned leaf too), or with
 * `anchoring: 'deferred'` only for links, signatures, CA flags and validity, leaving
 * the anchor to a later trust decision (then `IssuerInfo.anchor` is absent; the parsed
 * chain is available from {@link x5cCertificatesOf}). A leaf with a keyUsage extension
 * must allow digitalSignature.
 *
 * With `issBinding: 'san'` (and by default when the leaf has a SAN), a present `iss` must name the end-entity
 * certificate: a uniformResourceIdentifier SAN equal to `iss`, or a dNSName SAN equal to
 * the host of an https `iss` (or the name of a `dns:` URI, RFC 4501). This is the rule of
 * drafts -01 to -04 (oauth-sd-jwt-vc PRs #175, #183, #239); the editor's copy of
 * 2026-08-21 only says the Issuer is the subject of the end-entity certificate (§2.5) and
 * that `iss` names the Issuer when it is not conveyed otherwise (§2.2.2.3), and the
 * relation is an open question (oauth-sd-jwt-vc issue #433). Without the binding, any
 * holder of a certificate under a trusted anchor could claim another issuer's `iss`.
 * `IssuerInfo.id` is the bound `iss`, else the leaf subject.
 *
 * @example
 * ```ts
 * const resolve = x5cIssuerKey({ trustAnchors: [issuerCa] });
 * const [candidate] = await resolve({ header, payload }, ctx);
 * ```
 * @throws ComityError `ERR_SDJWT_ISSUER_KEY_UNRESOLVED` (no x5c), `ERR_SDJWT_X5C_INVALID`, `ERR_SDJWT_X5C_ISS_MISMATCH`,
 *   `ERR_X509_*` from chain validation (`CHAIN_UNANCHORED`, `EXPIRED`, `NOT_YET_VALID`, `NOT_CA`, `KEY_USAGE`, `PATH_LENGTH`,
 *   `SIGNATURE_INVALID`, `CHAIN_TOO_LONG`)
 * @see draft-ietf-oauth-sd-jwt-vc §2.5 (Inline X.509 Certificates); RFC 5280 §6
 */
export function x5cIssuerKey(options: X5cIssuerKeyOptions): IssuerKeyResolver {
  const deferred = 'anchoring' in options && options.anchoring === 'deferred';
  const anchors = 'trustAnchors' in options ? options.trustAnchors : undefined;
  if (!deferred && (!Array.isArray(anchors) || anchors.length === 0)) {
    throw new ComityUsageError('ERR_USAGE_TRUST_ANCHORS', "x5cIssuerKey needs trustAnchors or anchoring: 'deferred'");
  }
  const maxLength = options.maxChainLength ?? 6;
  const issBinding = options.issBinding ?? 'san-if-present';
  if (issBinding !== 'san-if-present' && issBinding !== 'san' && issBinding !== 'unverified') {
    throw new ComityUsageError('ERR_USAGE_ISS_BINDING', "issBinding must be 'san-if-present', 'san' or 'unverified'");
  }
  return async (input: IssuerKeyInput, ctx: ComityContext): Promise<readonly IssuerKeyCandidate[]> => {
    if (input.header.x5c === undefined) throw new ComityError('ERR_SDJWT_ISSUER_KEY_UNRESOLVED', 'the credential header has no x5c');
    const chain = await parseX5c(input.header.x5c);
    const leaf = chain[0] as Certificate;
    const now = ctx.now();
    const validated = await validateCertificateChain(chain, {
      now,
      anchors: deferred ? [chain[chain.length - 1] as Certificate] : (anchors as readonly Certificate[]),
      maxLength,
    });
    if (leaf.keyUsage !== undefined && (leaf.keyUsage & KeyUsage.digitalSignature) === 0) {
      throw new ComityError('ERR_X509_KEY_USAGE', 'the issuer certificate may not sign credentials', { details: { index: 0 } });
    }
    const iss = input.payload.iss;
    const hasSan = leaf.extensions.some((e) => e.oid === SUBJECT_ALT_NAME);
    const bindIss = iss !== undefined && (issBinding === 'san' || (issBinding === 'san-if-present' && hasSan));
    if (bindIss) {
      if (typeof iss !== 'string' || !issMatchesCertificate(iss, leaf)) {
        throw new ComityError('ERR_SDJWT_X5C_ISS_MISMATCH', 'iss does not match the issuer certificate', { details: { leaf: leaf.sha256 } });
      }
    }
    const path = validated.path;
    const issuer: IssuerInfo = {
      id: bindIss && typeof iss === 'string' ? iss : leaf.subject,
      keyMethod: 'x5c',
      jwk: leaf.publicJwk,
      certificateChain: path.map((c) => c.sha256),
      anchor: deferred ? undefined : { sha256: validated.anchor.sha256, subject: validated.anchor.subject },
      country: leaf.subjectAttributes.C?.[0],
    };
    const candidate: IssuerKeyCandidate = { jwk: leaf.publicJwk, issuer };
    chains.set(candidate, path);
    chains.set(issuer, path);
    return [candidate];
  };
}

function issMatchesCertificate(iss: string, leaf: Certificate): boolean {
  try {
    return certificateNamesUri(leaf, iss);
  } catch (cause) {
    throw new ComityError('ERR_SDJWT_X5C_INVALID', 'certificate subjectAltName is malformed', { cause });
  }
}
