/**
 * X.509 certificates: parsing (through @peculiar/x509, which handles the ASN.1) and path
 * validation to configured trust anchors. Parsed certificates and signature checks are
 * cached, so a document-signer certificate seen before costs no signature verification.
 *
 * @module
 */
// Stop-gap: @peculiar/x509 needs the Reflect metadata polyfill at load (tsyringe).
import 'reflect-metadata';
import * as px from '@peculiar/x509';
import { BoundedCache } from './crypto/key-check.js';
import { base64Decode, base64Encode, base64urlEncode, toHex } from './encoding.js';
import { ComityError } from './errors.js';
import type { Jwk } from './jwk.js';

/** Key usage bits (RFC 5280 §4.2.1.3) as flags. */
export const KeyUsage = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
} as const;

/** A parsed certificate with the fields comity's checks read. */
export interface Certificate {
  /** DER bytes as received. */
  readonly der: Uint8Array;
  /** Lower-case hex SHA-256 of the DER: the thumbprint used as an index and in evidence. */
  readonly sha256: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** `cA` of basicConstraints; undefined when the extension is absent. */
  readonly isCA: boolean | undefined;
  readonly pathLength: number | undefined;
  /** Key usage flags ({@link KeyUsage}); undefined when the extension is absent. */
  readonly keyUsage: number | undefined;
  /** Extended key usage OIDs; empty when absent. */
  readonly extKeyUsage: readonly string[];
  /** Subject key identifier, lower-case hex. */
  readonly subjectKeyId: string | undefined;
  /** Authority key identifier, lower-case hex. */
  readonly authorityKeyId: string | undefined;
  /** Subject attribute values by short name or OID (e.g. `C`, `CN`, `O`). */
  readonly subjectAttributes: Readonly<Record<string, readonly string[]>>;
  /** Every extension: OID, criticality, DER value. */
  readonly extensions: ReadonlyArray<{ oid: string; critical: boolean; value: Uint8Array }>;
  /** Issuer attribute values by short name or OID. */
  readonly issuerAttributes: Readonly<Record<string, readonly string[]>>;
  /** The subject public key as a JWK. */
  readonly publicJwk: Jwk;
}

// The parsed library object stays internal so its API is not part of ours.
const internals = new WeakMap<Certificate, px.X509Certificate>();

const parsed = new BoundedCache<Promise<Certificate>>(2048);
const signatureChecks = new BoundedCache<boolean>(4096);

/** Decodes PEM text holding one or more certificates into DER byte arrays. @throws ComityError `ERR_X509_PARSE` */
export function pemToDerList(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m !== null; m = re.exec(pem)) {
    const b64 = (m[1] ?? '').replace(/\s+/g, '');
    try {
      out.push(base64Decode(b64, 'PEM certificate'));
    } catch (cause) {
      throw new ComityError('ERR_X509_PARSE', 'PEM certificate is not valid base64', { cause });
    }
  }
  if (out.length === 0) throw new ComityError('ERR_X509_PARSE', 'no PEM certificate found');
  return out;
}

/** PEM-encodes a DER certificate. */
export function derToPem(der: Uint8Array): string {
  const b64 = base64Encode(der);
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Parses a DER certificate. Results are cached by the DER bytes.
 *
 * @throws ComityError `ERR_X509_PARSE`
 */
export function parseCertificate(der: Uint8Array): Promise<Certificate> {
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > 64 * 1024) {
    return Promise.reject(new ComityError('ERR_X509_PARSE', 'certificate is not a DER byte string of acceptable size'));
  }
  const id = base64urlEncode(der);
  let result = parsed.get(id);
  if (result === undefined) {
    result = parseUncached(new Uint8Array(der));
    parsed.set(id, result);
    // Do not keep failures in the cache: they are cheap to reproduce and could fill it.
    result.catch(() => parsed.delete(id));
  }
  return result;
}

async function parseUncached(der: Uint8Array): Promise<Certificate> {
  let cert: px.X509Certificate;
  try {
    cert = new px.X509Certificate(der as Uint8Array<ArrayBuffer>);
  } catch (cause) {
    throw new ComityError('ERR_X509_PARSE', 'certificate could not be parsed', { cause });
  }
  try {
    const bc = cert.getExtension(px.BasicConstraintsExtension);
    const ku = cert.getExtension(px.KeyUsagesExtension);
    const eku = cert.getExtension(px.ExtendedKeyUsageExtension);
    const ski = cert.getExtension(px.SubjectKeyIdentifierExtension);
    const aki = cert.getExtension(px.AuthorityKeyIdentifierExtension);
    const attributes = (name: px.Name): Record<string, string[]> => {
      const out: Record<string, string[]> = {};
      for (const rdn of name.toJSON()) {
        for (const [key, values] of Object.entries(rdn)) out[key] = [...(out[key] ?? []), ...values];
      }
      return out;
    };
    const sha256 = toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', der as Uint8Array<ArrayBuffer>)));
    const result: Certificate = {
      der,
      sha256,
      subject: cert.subject,
      issuer: cert.issuer,
      serialNumber: cert.serialNumber,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      isCA: bc === null ? undefined : bc.ca,
      pathLength: bc?.pathLength,
      keyUsage: ku === null ? undefined : ku.usages,
      extKeyUsage: eku === null ? [] : eku.usages.map(String),
      subjectKeyId: ski?.keyId?.toLowerCase(),
      authorityKeyId: aki?.keyId?.toLowerCase(),
      subjectAttributes: attributes(cert.subjectName),
      issuerAttributes: attributes(cert.issuerName),
      extensions: cert.extensions.map((e) => ({ oid: e.type, critical: e.critical, value: new Uint8Array(e.value) })),
      publicJwk: await spkiToJwk(cert),
    };
    internals.set(result, cert);
    return result;
  } catch (cause) {
    if (cause instanceof ComityError) throw cause;
    throw new ComityError('ERR_X509_PARSE', 'certificate could not be parsed', { cause });
  }
}

async function spkiToJwk(cert: px.X509Certificate): Promise<Jwk> {
  const alg = cert.publicKey.algorithm as { name: string; namedCurve?: string };
  const importAlg: Algorithm | EcKeyImportParams | RsaHashedImportParams =
    alg.name === 'ECDSA' || alg.name === 'ECDH'
      ? { name: 'ECDSA', namedCurve: alg.namedCurve as string }
      : alg.name === 'Ed25519'
        ? { name: 'Ed25519' }
        : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  let key: CryptoKey;
  try {
    key = await globalThis.crypto.subtle.importKey('spki', cert.publicKey.rawData, importAlg, true, ['verify']);
  } catch (cause) {
    throw new ComityError('ERR_X509_UNSUPPORTED_KEY', 'certificate key type is not supported', { cause, details: { keyAlgorithm: alg.name } });
  }
  const jwk = (await globalThis.crypto.subtle.exportKey('jwk', key)) as Jwk;
  const { kty, crv, x, y, n, e } = jwk;
  const out: Jwk = { kty };
  if (crv !== undefined) out.crv = crv;
  if (x !== undefined) out.x = x;
  if (y !== undefined) out.y = y;
  if (n !== undefined) out.n = n;
  if (e !== undefined) out.e = e;
  return out;
}

/** Options of {@link validateCertificateChain}. */
export interface ChainValidationOptions {
  /** Evaluation time. */
  readonly now: Date;
  /** Trusted certificates: a chain that reaches any of them (or contains one) is anchored. */
  readonly anchors: readonly Certificate[];
  /** Longest accepted chain including the anchor (default 6). */
  readonly maxLength?: number;
}

/** A chain that reached an anchor. */
export interface ValidatedChain {
  /** Leaf first, anchor last (the anchor appears once even if the chain carried it). */
  readonly path: readonly Certificate[];
  readonly anchor: Certificate;
}

/**
 * Validates a certificate path, leaf first, to one of the anchors: names chain, each
 * issuer's signature verifies, every issuer is a CA allowed to sign certificates within
 * its path length, and every certificate (the anchor too) is valid at `now`.
 *
 * @example
 * ```ts
 * const { anchor } = await validateCertificateChain(chain, { now: new Date(), anchors });
 * ```
 * @throws ComityError `ERR_X509_CHAIN_EMPTY`, `ERR_X509_CHAIN_TOO_LONG`, `ERR_X509_NOT_YET_VALID`, `ERR_X509_EXPIRED`, `ERR_X509_UNKNOWN_CRITICAL_EXTENSION`,
 *   `ERR_X509_NOT_CA`, `ERR_X509_KEY_USAGE`, `ERR_X509_PATH_LENGTH`, `ERR_X509_SIGNATURE_INVALID`, `ERR_X509_CHAIN_UNANCHORED`
 */
export async function validateCertificateChain(chain: readonly Certificate[], options: ChainValidationOptions): Promise<ValidatedChain> {
  const maxLength = options.maxLength ?? 6;
  if (chain.length === 0) throw new ComityError('ERR_X509_CHAIN_EMPTY', 'no certificate was given');
  if (chain.length > maxLength) throw new ComityError('ERR_X509_CHAIN_TOO_LONG', 'certificate chain is too long', { details: { length: chain.length } });
  const anchorsByHash = new Map(options.anchors.map((a) => [a.sha256, a]));
  const path: Certificate[] = [];
  let current = chain[0] as Certificate;
  for (;;) {
    checkValidity(current, options.now, path.length);
    path.push(current);
    const pinned = anchorsByHash.get(current.sha256);
    if (pinned !== undefined) return checkPathLengths({ path, anchor: pinned });
    if (path.length >= maxLength) throw new ComityError('ERR_X509_CHAIN_TOO_LONG', 'certificate chain is too long');

    const anchorIssuer = await findIssuer(current, options.anchors);
    if (anchorIssuer !== undefined) {
      checkIssuerCapability(anchorIssuer, path.length);
      checkValidity(anchorIssuer, options.now, path.length);
      path.push(anchorIssuer);
      return checkPathLengths({ path, anchor: anchorIssuer });
    }
    const next = chain[path.length];
    if (next === undefined)
      throw new ComityError('ERR_X509_CHAIN_UNANCHORED', 'certificate chain does not reach a trust anchor', {
        details: { leaf: (chain[0] as Certificate).sha256 },
      });
    if (next.subject !== current.issuer)
      throw new ComityError('ERR_X509_CHAIN_UNANCHORED', 'certificate chain is out of order or broken', { details: { index: path.length } });
    checkIssuerCapability(next, path.length);
    if (!(await signedBy(current, next)))
      throw new ComityError('ERR_X509_SIGNATURE_INVALID', 'certificate signature does not verify', { details: { index: path.length - 1 } });
    current = next;
  }
}

// Extensions comity reads or that carry no constraint it must enforce (RFC 5280 §4.2: a
// certificate with an unrecognised critical extension must be rejected).
const KNOWN_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.32', // certificatePolicies
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.37', // extKeyUsage
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '1.3.6.1.5.5.7.1.3', // qcStatements
]);

function checkValidity(cert: Certificate, now: Date, index: number): void {
  const unknown = cert.extensions.find((e) => e.critical && !KNOWN_EXTENSIONS.has(e.oid));
  if (unknown !== undefined)
    throw new ComityError('ERR_X509_UNKNOWN_CRITICAL_EXTENSION', 'certificate has a critical extension comity does not process', {
      details: { index, oid: unknown.oid },
    });
  if (now < cert.notBefore) throw new ComityError('ERR_X509_NOT_YET_VALID', 'certificate is not yet valid', { details: { index, sha256: cert.sha256 } });
  if (now > cert.notAfter) throw new ComityError('ERR_X509_EXPIRED', 'certificate has expired', { details: { index, sha256: cert.sha256 } });
}

function checkIssuerCapability(issuer: Certificate, index: number): void {
  if (issuer.isCA !== true) throw new ComityError('ERR_X509_NOT_CA', 'issuing certificate is not a CA', { details: { index } });
  if (issuer.keyUsage !== undefined && (issuer.keyUsage & KeyUsage.keyCertSign) === 0) {
    throw new ComityError('ERR_X509_KEY_USAGE', 'issuing certificate may not sign certificates', { details: { index } });
  }
}

function checkPathLengths(result: ValidatedChain): ValidatedChain {
  // path[i] for i >= 1 is a CA; the CAs below it, excluding the leaf, are i - 1.
  for (let i = 1; i < result.path.length; i++) {
    const limit = (result.path[i] as Certificate).pathLength;
    if (limit !== undefined && i - 1 > limit)
      throw new ComityError('ERR_X509_PATH_LENGTH', 'certificate path length constraint exceeded', { details: { index: i } });
  }
  return result;
}

async function findIssuer(cert: Certificate, anchors: readonly Certificate[]): Promise<Certificate | undefined> {
  for (const anchor of anchors) {
    if (anchor.subject !== cert.issuer) continue;
    if (cert.authorityKeyId !== undefined && anchor.subjectKeyId !== undefined && cert.authorityKeyId !== anchor.subjectKeyId) continue;
    if (await signedBy(cert, anchor)) return anchor;
  }
  return undefined;
}

/** True if `issuer`'s key verifies `cert`'s signature (cached). */
export async function signedBy(cert: Certificate, issuer: Certificate): Promise<boolean> {
  const id = `${issuer.sha256}|${cert.sha256}`;
  const known = signatureChecks.get(id);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    const subject = internals.get(cert);
    const issuing = internals.get(issuer);
    ok = subject !== undefined && issuing !== undefined && (await subject.verify({ publicKey: issuing.publicKey, signatureOnly: true }));
  } catch {
    ok = false;
  }
  signatureChecks.set(id, ok);
  return ok;
}
