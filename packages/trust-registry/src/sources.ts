/**
 * Local anchor sources: X.509 anchor bundles and JWKS / DID-keyed issuers. These are
 * configured by the operator (not signed lists), so they carry no list signer.
 *
 * @module
 */
import {
  type Certificate,
  ComityError,
  type CryptoProvider,
  defaultCrypto,
  jwkThumbprint,
  parseCertificate,
  parsePublicJwk,
  pemToDerList,
  utf8Encode,
} from '@comity/core';
import { sha256Hex } from './internal/util.js';
import type { LevelOfAssurance, TrustAnchor, TrustCategory, TrustSource } from './types.js';

/** Options of local sources: the category is mandatory (a bundle has no list type). */
export interface LocalSourceOptions {
  readonly id: string;
  readonly category: TrustCategory;
  readonly jurisdiction?: string | undefined;
  readonly loa?: LevelOfAssurance | undefined;
  readonly crypto?: CryptoProvider | undefined;
}

/**
 * Builds a source from an X.509 anchor bundle (PEM text or parsed certificates).
 *
 * @example
 * ```ts
 * const src = await x509AnchorSource(pemText, { id: 'de-pid-roots', category: 'pid', jurisdiction: 'DE', loa: 'high' });
 * ```
 * @throws ComityError `ERR_X509_PARSE`
 * @see RFC 5280 §6.1.1 (trust anchor information)
 */
export async function x509AnchorSource(bundle: string | readonly Certificate[], options: LocalSourceOptions): Promise<TrustSource> {
  const certs = typeof bundle === 'string' ? await Promise.all(pemToDerList(bundle).map((d) => parseCertificate(d))) : [...bundle];
  const crypto = options.crypto ?? defaultCrypto;
  const anchors: TrustAnchor[] = certs.map((certificate) => ({
    category: options.category,
    certificate,
    thumbprint: certificate.sha256,
    subjectKeyId: certificate.subjectKeyId,
    jurisdiction: options.jurisdiction ?? certificate.subjectAttributes.C?.[0]?.toUpperCase(),
    entityName: certificate.subjectAttributes.O?.[0] ?? certificate.subjectAttributes.CN?.[0],
    loa: options.loa,
    statuses: [{ status: 'configured', active: true }],
    sourceId: options.id,
  }));
  const digest = await sha256Hex(crypto, utf8Encode(certs.map((c) => c.sha256).join(',')));
  return { id: options.id, kind: 'x509', digest, anchors };
}

/**
 * Builds a source from a JWKS of an issuer identified by `issuerId` (an `iss` URL or a DID).
 *
 * @example
 * ```ts
 * const src = await jwksAnchorSource({ keys: [jwk] }, { id: 'eaa-x', category: 'eaa', issuerId: 'https://issuer.example' });
 * ```
 * @throws ComityError `ERR_TRUST_LIST_MALFORMED`, `ERR_KEY_INVALID`
 * @see RFC 7517 §5
 */
export async function jwksAnchorSource(jwks: unknown, options: LocalSourceOptions & { readonly issuerId: string }): Promise<TrustSource> {
  const keys = typeof jwks === 'object' && jwks !== null && Array.isArray((jwks as { keys?: unknown }).keys) ? (jwks as { keys: unknown[] }).keys : undefined;
  if (keys === undefined || keys.length === 0 || keys.length > 1000) throw new ComityError('ERR_TRUST_LIST_MALFORMED', 'JWKS has no keys array');
  const crypto = options.crypto ?? defaultCrypto;
  const anchors: TrustAnchor[] = [];
  for (const k of keys) {
    const jwk = parsePublicJwk(k, 'JWKS key');
    anchors.push({
      category: options.category,
      jwk,
      thumbprint: await jwkThumbprint(jwk, crypto),
      jurisdiction: options.jurisdiction,
      issuerId: options.issuerId,
      loa: options.loa,
      statuses: [{ status: 'configured', active: true }],
      sourceId: options.id,
    });
  }
  const digest = await sha256Hex(crypto, utf8Encode(anchors.map((a) => a.thumbprint).join(',')));
  return { id: options.id, kind: 'jwks', digest, anchors };
}
