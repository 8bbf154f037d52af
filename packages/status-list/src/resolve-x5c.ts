/**
 * Verifier side: an X.509 trust setup for Status List Token keys (§11.3), separate from the
 * credential issuer's: the token carries its chain (`x5c`, or `x5chain` in a CWT) and the
 * chain must reach one of the anchors configured for status lists.
 *
 * @module
 */
import {
  base64urlDecode,
  type Certificate,
  type ComityContext,
  ComityUsageError,
  certificateNamesUri,
  KeyUsage,
  parseCertificate,
  validateCertificateChain,
} from '@comity/core';
import { statusError } from './errors.js';
import type { StatusKeyResolver } from './verify-jwt.js';

/** Options of {@link x5cStatusKeyResolver}. */
export interface X5cStatusKeyResolverOptions {
  readonly ctx: ComityContext;
  /** Trust anchors for status-list signers (CA or pinned leaf certificates). */
  readonly anchors: readonly Certificate[];
  /**
   * Extended key usage the signer certificate must carry. §10 defines
   * id-kp-oauthStatusSigning (1.3.6.1.5.5.7.3.TBD, not yet assigned by IANA in draft-20),
   * so this is opt-in until the number exists.
   */
  readonly requiredExtKeyUsage?: string;
  /** Longest chain accepted, anchor included (default 4). */
  readonly maxChainLength?: number;
  /**
   * Whether the signer certificate must name the status list it signs: `san` requires a
   * subjectAltName URI equal to the reference `uri`, or a dNSName equal to its https host
   * (`certificateNamesUri` of core);
   * `san-if-present` (default) requires it when the certificate has a subjectAltName;
   * `unverified` never does. Without it, any signer certified under a shared status-list anchor
   * could sign another issuer's list, and serving it at that issuer's URI would be enough.
   */
  readonly uriBinding?: 'san-if-present' | 'san' | 'unverified';
}

const SUBJECT_ALT_NAME = '2.5.29.17';

/** The leaf names the status list: a SAN URI equal to `uri`, or a SAN dNSName equal to its https host. */
function namesUri(leaf: Certificate, uri: string): boolean {
  try {
    return certificateNamesUri(leaf, uri);
  } catch (cause) {
    throw statusError('ERR_STATUS_TOKEN_KEY_UNTRUSTED', 'the status list signer certificate has a malformed subjectAltName', { reason: 'uri-binding' }, cause);
  }
}

const MAX_CERTS = 8;

function decodeStandardBase64(text: unknown): Uint8Array {
  if (typeof text !== 'string' || text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw statusError('ERR_STATUS_TOKEN_MALFORMED', 'an x5c entry is not standard base64');
  }
  try {
    return base64urlDecode(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'), 'x5c certificate');
  } catch (cause) {
    throw statusError('ERR_STATUS_TOKEN_MALFORMED', 'an x5c entry is not canonical base64', undefined, cause);
  }
}

/**
 * A {@link StatusKeyResolver} that takes the signer key from the token's certificate chain
 * (`x5c`; a CWT's `x5chain` arrives in the same form) after validating the chain to the
 * status-list anchors at the context's time. The leaf must allow digital signatures, carry
 * `requiredExtKeyUsage` when set, and name the status list's URI or host in its
 * subjectAltName when it has one (see `uriBinding`).
 *
 * @example
 * ```ts
 * const keys = x5cStatusKeyResolver({ ctx, anchors: [statusListCa] });
 * await checkStatus(ref, { ctx, keys });
 * ```
 * @throws ComityError (from the verifier) `ERR_STATUS_TOKEN_KEY_UNKNOWN` (no chain), `ERR_STATUS_TOKEN_MALFORMED`,
 * `ERR_STATUS_TOKEN_KEY_UNTRUSTED` (chain invalid or unanchored, `details.reason` holds the X.509 code; wrong key usage)
 * @see draft-ietf-oauth-status-list-20 §10, §11.3
 */
export function x5cStatusKeyResolver(options: X5cStatusKeyResolverOptions): StatusKeyResolver {
  if (options?.ctx === undefined || !Array.isArray(options.anchors) || options.anchors.length === 0) {
    throw new ComityUsageError('ERR_USAGE_STATUS_KEYS', 'x5cStatusKeyResolver needs a context and at least one anchor');
  }
  const uriBinding = options.uriBinding ?? 'san-if-present';
  if (uriBinding !== 'san-if-present' && uriBinding !== 'san' && uriBinding !== 'unverified') {
    throw new ComityUsageError('ERR_USAGE_STATUS_KEYS', "uriBinding must be 'san-if-present', 'san' or 'unverified'");
  }
  const { ctx, anchors } = options;
  return async ({ header, uri }) => {
    const x5c = header.x5c;
    if (x5c === undefined) throw statusError('ERR_STATUS_TOKEN_KEY_UNKNOWN', 'the status list token carries no certificate chain');
    if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CERTS) {
      throw statusError('ERR_STATUS_TOKEN_MALFORMED', 'the x5c header is not a non-empty array of certificates');
    }
    const chain: Certificate[] = [];
    for (const entry of x5c) chain.push(await parseCertificate(decodeStandardBase64(entry)));
    const { path } = await validateCertificateChain(chain, { now: ctx.now(), anchors, maxLength: options.maxChainLength ?? 4 });
    const leaf = path[0] as Certificate;
    if (leaf.keyUsage !== undefined && (leaf.keyUsage & KeyUsage.digitalSignature) === 0) {
      throw statusError('ERR_STATUS_TOKEN_KEY_UNTRUSTED', 'the status list signer certificate may not sign', { reason: 'key-usage' });
    }
    if (options.requiredExtKeyUsage !== undefined && !leaf.extKeyUsage.includes(options.requiredExtKeyUsage)) {
      throw statusError('ERR_STATUS_TOKEN_KEY_UNTRUSTED', 'the status list signer certificate lacks the required extended key usage', {
        reason: 'ext-key-usage',
      });
    }
    const hasSan = leaf.extensions.some((e) => e.oid === SUBJECT_ALT_NAME);
    if ((uriBinding === 'san' || (uriBinding === 'san-if-present' && hasSan)) && !namesUri(leaf, uri)) {
      throw statusError('ERR_STATUS_TOKEN_KEY_UNTRUSTED', 'the status list signer certificate does not name this status list', { reason: 'uri-binding' });
    }
    return [leaf.publicJwk];
  };
}
