/**
 * X.509 certificates: parsing (ASN.1 through @peculiar/asn1-x509, a schema library) and path
 * validation to configured trust anchors. Parsed certificates and signature checks are
 * cached, so a document-signer certificate seen before costs no signature verification.
 *
 * @module
 */
import { ECParameters } from '@peculiar/asn1-ecc';
import { RSAPublicKey, RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import { defaultCrypto } from './context.js';
import { BoundedCache, rsaPublicKeyProblem } from './crypto/key-check.js';
import type { HashAlgorithm, SignatureAlgorithm } from './crypto/types.js';
import { base64Decode, base64Encode, base64urlDecode, base64urlEncode, toHex } from './encoding.js';
import { ComityError, ComityUsageError } from './errors.js';
import { derToRawEcdsa, derUnsignedInteger, isSingleDerItem, validityTimes } from './internal/der.js';
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

/** What signature checks need, kept out of the public shape. */
interface Internals {
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: CertificateSignatureAlgorithm | undefined;
  readonly signature: Uint8Array;
  /** Subject and issuer names with attribute types and string types: names chain exactly, not by their rendering. */
  readonly subjectName: string;
  readonly issuerName: string;
}
const internals = new WeakMap<Certificate, Internals>();

// Parsed certificates by DER, bounded in count and in bytes: an entry holds its base64url
// key and about three copies of the DER, so a count alone let 2048 hostile 64 KiB
// certificates pin half a gigabyte.
const PARSED_MAX_ENTRIES = 2048;
const PARSED_MAX_DER_BYTES = 8 * 1024 * 1024;
const parsed = new Map<string, Promise<Certificate>>();
let parsedDerBytes = 0;
const derBytesOf = (key: string): number => Math.floor((key.length * 3) / 4);

function forgetParsed(key: string): void {
  if (parsed.delete(key)) parsedDerBytes -= derBytesOf(key);
}

function rememberParsed(key: string, value: Promise<Certificate>): void {
  const size = derBytesOf(key);
  for (const oldest of parsed.keys()) {
    if (parsed.size < PARSED_MAX_ENTRIES && parsedDerBytes + size <= PARSED_MAX_DER_BYTES) break;
    forgetParsed(oldest);
  }
  parsed.set(key, value);
  parsedDerBytes += size;
}

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
 * Parses a DER certificate. Results are cached by the DER bytes. Refused: bytes around or
 * after the certificate, a BER outer length, an extension present twice (RFC 5280 §4.2),
 * a signed signature algorithm that differs from the outer one (§4.1.1.2), a validity time
 * that is not `YYMMDDHHMMSSZ` UTCTime or `YYYYMMDDHHMMSSZ` GeneralizedTime (§4.1.2.5).
 *
 * @throws ComityError `ERR_X509_PARSE`, `ERR_X509_UNSUPPORTED_KEY`
 */
export function parseCertificate(der: Uint8Array): Promise<Certificate> {
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > 64 * 1024) {
    return Promise.reject(new ComityError('ERR_X509_PARSE', 'certificate is not a DER byte string of acceptable size'));
  }
  const id = base64urlEncode(der);
  let result = parsed.get(id);
  if (result === undefined) {
    result = parseUncached(new Uint8Array(der));
    rememberParsed(id, result);
    // Do not keep failures in the cache: they are cheap to reproduce and could fill it.
    const failed = result;
    failed.catch(() => {
      if (parsed.get(id) === failed) forgetParsed(id);
    });
  }
  return result;
}

async function parseUncached(der: Uint8Array): Promise<Certificate> {
  // The schema parse reads BER and ignores trailing bytes: the thumbprint must name one DER encoding.
  if (!isSingleDerItem(der)) throw new ComityError('ERR_X509_PARSE', 'certificate is not exactly one DER item');
  let cert: asn.Certificate;
  try {
    cert = AsnConvert.parse(der, asn.Certificate);
  } catch (cause) {
    throw new ComityError('ERR_X509_PARSE', 'certificate could not be parsed', { cause });
  }
  try {
    const tbs = cert.tbsCertificate;
    if (!cert.signatureAlgorithm.isEqual(tbs.signature)) throw new ComityError('ERR_X509_PARSE', 'certificate signature algorithms differ');
    if (new Set(tbs.extensions?.map((e) => e.extnID)).size !== (tbs.extensions?.length ?? 0))
      throw new ComityError('ERR_X509_PARSE', 'certificate has an extension more than once');
    const ext = (oid: string) => tbs.extensions?.find((e) => e.extnID === oid);
    const bc = ext(asn.id_ce_basicConstraints);
    const ku = ext(asn.id_ce_keyUsage);
    const eku = ext(asn.id_ce_extKeyUsage);
    const ski = ext(asn.id_ce_subjectKeyIdentifier);
    const aki = ext(asn.id_ce_authorityKeyIdentifier);
    const basic = bc === undefined ? undefined : AsnConvert.parse(bc.extnValue, asn.BasicConstraints);
    const akiValue = aki === undefined ? undefined : AsnConvert.parse(aki.extnValue, asn.AuthorityKeyIdentifier).keyIdentifier;
    if (cert.tbsCertificateRaw === undefined) throw new Error('no raw TBSCertificate');
    const tbsRaw = new Uint8Array(cert.tbsCertificateRaw);
    // From the signed bytes: the schema library reads a malformed time as some date (1899, or month 13 as next January).
    const { notBefore, notAfter } = validityTimes(tbsRaw);
    const result: Certificate = {
      der,
      sha256: toHex(await defaultCrypto.digest('sha-256', der)),
      subject: renderName(tbs.subject),
      issuer: renderName(tbs.issuer),
      serialNumber: toHex(new Uint8Array(tbs.serialNumber)),
      notBefore,
      notAfter,
      isCA: basic === undefined ? undefined : basic.cA,
      pathLength: basic?.pathLenConstraint,
      keyUsage: ku === undefined ? undefined : AsnConvert.parse(ku.extnValue, asn.KeyUsage).toNumber(),
      extKeyUsage: eku === undefined ? [] : [...AsnConvert.parse(eku.extnValue, asn.ExtendedKeyUsage)],
      subjectKeyId: ski === undefined ? undefined : toHex(new Uint8Array(AsnConvert.parse(ski.extnValue, asn.SubjectKeyIdentifier).buffer)),
      authorityKeyId: akiValue === undefined ? undefined : toHex(new Uint8Array(akiValue.buffer)),
      subjectAttributes: attributesOf(tbs.subject),
      issuerAttributes: attributesOf(tbs.issuer),
      extensions: (tbs.extensions ?? []).map((e) => ({ oid: e.extnID, critical: e.critical, value: new Uint8Array(e.extnValue.buffer) })),
      publicJwk: spkiToJwk(tbs.subjectPublicKeyInfo),
    };
    internals.set(result, {
      tbs: tbsRaw,
      signatureAlgorithm: signatureAlgorithmOf(cert.signatureAlgorithm),
      signature: new Uint8Array(cert.signatureValue),
      subjectName: nameKey(tbs.subject),
      issuerName: nameKey(tbs.issuer),
    });
    return result;
  } catch (cause) {
    if (cause instanceof ComityError) throw cause;
    throw new ComityError('ERR_X509_PARSE', 'certificate could not be parsed', { cause });
  }
}

/** Short names of the usual name attributes; others appear by OID. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.12': 'T',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
};

/** The names of a subjectAltName extension that identifiers are matched against. */
export interface SubjectAltNames {
  /** dNSName entries ([2]). */
  readonly dnsNames: readonly string[];
  /** uniformResourceIdentifier entries ([6]). */
  readonly uris: readonly string[];
}

const IA5_NAME = /^[\x21-\x7e]*$/;

/**
 * The dNSName and URI entries of a certificate's subjectAltName extension; other name forms
 * are skipped. Undefined when the certificate has no such extension.
 *
 * @example
 * ```ts
 * const san = subjectAltNames(leaf);
 * if (san?.uris.includes(iss)) console.log('iss is named by the certificate');
 * ```
 * @throws ComityError `ERR_X509_PARSE` for an extension that is not GeneralNames, or a DNS name or URI outside printable ASCII
 * @see RFC 5280 §4.2.1.6
 */
export function subjectAltNames(certificate: Certificate): SubjectAltNames | undefined {
  const extension = certificate.extensions.find((e) => e.oid === asn.id_ce_subjectAltName);
  if (extension === undefined) return undefined;
  let names: asn.GeneralName[];
  try {
    if (!isSingleDerItem(extension.value)) throw new Error('bytes after the GeneralNames');
    names = AsnConvert.parse(extension.value, asn.SubjectAlternativeName);
  } catch (cause) {
    throw new ComityError('ERR_X509_PARSE', 'certificate subjectAltName is not valid GeneralNames', { cause });
  }
  const dnsNames: string[] = [];
  const uris: string[] = [];
  for (const name of names) {
    const value = name.dNSName ?? name.uniformResourceIdentifier;
    if (value === undefined) continue;
    if (!IA5_NAME.test(value)) throw new ComityError('ERR_X509_PARSE', 'certificate subjectAltName holds a name outside printable ASCII');
    (name.dNSName !== undefined ? dnsNames : uris).push(value);
  }
  return { dnsNames, uris };
}

/** RFC 4501 `dns:` URI of the simple form `dns:<name>` (no authority, no query). */
const DNS_URI = /^dns:([A-Za-z0-9.-]+)$/i;

/**
 * Whether a certificate's subjectAltName names `uri`: a uniformResourceIdentifier entry equal to
 * `uri` (exact string comparison), or a dNSName entry equal, ignoring ASCII case, to the host of
 * an `https` URI or to the name of a `dns:` URI (RFC 4501, the `dns:<name>` form). Other schemes
 * (`http` included), wildcard dNSNames and the IP address form match nothing. False when the
 * certificate has no subjectAltName extension or `uri` is not a string; the caller decides
 * whether a missing extension is acceptable. The only error is a malformed extension, so a caller
 * can map any ComityError from this function to its own code.
 *
 * @example
 * ```ts
 * const leaf = path[0];
 * if (!certificateNamesUri(leaf, payload.iss)) throw new Error('iss is not the certificate subject');
 * ```
 * @throws ComityError `ERR_X509_PARSE` when the subjectAltName extension is not valid GeneralNames
 *   or holds a DNS name or URI outside printable ASCII (as {@link subjectAltNames})
 * @see RFC 5280 §4.2.1.6 (Subject Alternative Name); RFC 4501 (`dns:` URIs)
 */
export function certificateNamesUri(certificate: Certificate, uri: string): boolean {
  if (typeof uri !== 'string') return false;
  const san = subjectAltNames(certificate);
  if (san === undefined) return false;
  if (san.uris.includes(uri)) return true;
  const host = hostNamedBy(uri);
  return host !== undefined && san.dnsNames.some((name) => name.toLowerCase() === host);
}

/** The lower-case host an `https` or `dns:` URI names, if any. */
function hostNamedBy(uri: string): string | undefined {
  const dns = DNS_URI.exec(uri);
  if (dns !== null) return (dns[1] as string).toLowerCase();
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  // The WHATWG parser lower-cases the scheme and the host, and gives IDNs in their A-label form (as a dNSName holds them).
  return url.protocol === 'https:' && url.hostname !== '' ? url.hostname : undefined;
}

/** @internal Short name (or OID) of a name attribute type. */
export function attributeName(oid: string): string {
  return ATTRIBUTE_NAMES[oid] ?? oid;
}

function attributeText(value: asn.AttributeValue): string {
  if (value.anyValue !== undefined) return `#${toHex(new Uint8Array(value.anyValue))}`;
  return value.toString();
}

// RFC 4514 escaping of the characters that would change the reading of a rendered name.
function escapeValue(v: string): string {
  return v
    .replace(/[,+"\\<>;]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

function renderName(name: asn.Name): string {
  return name.map((rdn) => rdn.map((a) => `${attributeName(a.type)}=${escapeValue(attributeText(a.value))}`).join('+')).join(', ');
}

// Every attribute with its string type and value; re-encoding the name would cost more than the parse.
function nameKey(name: asn.Name): string {
  return JSON.stringify(
    name.map((rdn) =>
      rdn.map((a) => {
        const v = a.value;
        const kind = Object.keys(v).find((k) => (v as unknown as Record<string, unknown>)[k] !== undefined) ?? '';
        return [a.type, kind, attributeText(v)];
      }),
    ),
  );
}

function attributesOf(name: asn.Name): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rdn of name) {
    for (const a of rdn) {
      const key = attributeName(a.type);
      out[key] = [...(out[key] ?? []), attributeText(a.value)];
    }
  }
  return out;
}

const CURVES: Record<string, { crv: 'P-256' | 'P-384' | 'P-521'; size: number }> = {
  '1.2.840.10045.3.1.7': { crv: 'P-256', size: 32 },
  '1.3.132.0.34': { crv: 'P-384', size: 48 },
  '1.3.132.0.35': { crv: 'P-521', size: 66 },
};
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_ED25519 = '1.3.101.112';
const OID_RSA = '1.2.840.113549.1.1.1';

function unsupportedKey(keyAlgorithm: string): ComityError {
  return new ComityError('ERR_X509_UNSUPPORTED_KEY', 'certificate key type is not supported', { details: { keyAlgorithm } });
}

function spkiToJwk(spki: asn.SubjectPublicKeyInfo): Jwk {
  const oid = spki.algorithm.algorithm;
  const key = new Uint8Array(spki.subjectPublicKey);
  if (oid === OID_EC_PUBLIC_KEY) {
    const params = spki.algorithm.parameters;
    const curve = params === undefined || params === null ? undefined : CURVES[AsnConvert.parse(params, ECParameters).namedCurve ?? ''];
    if (curve === undefined) throw unsupportedKey('EC (unsupported curve)');
    if (key.length !== 1 + 2 * curve.size || key[0] !== 0x04) throw unsupportedKey('EC (compressed or malformed point)');
    return { kty: 'EC', crv: curve.crv, x: base64urlEncode(key.subarray(1, 1 + curve.size)), y: base64urlEncode(key.subarray(1 + curve.size)) };
  }
  if (oid === OID_ED25519) {
    if (key.length !== 32) throw unsupportedKey('Ed25519 (wrong length)');
    return { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(key) };
  }
  if (oid === OID_RSA) {
    const rsa = AsnConvert.parse(key, RSAPublicKey);
    // Only the DER sign octet goes: extra zero octets stay for rsaPublicKeyProblem to refuse at
    // validation (stripping them all let a non-minimal encoding through as a clean key).
    const n = derUnsignedInteger(new Uint8Array(rsa.modulus));
    const e = derUnsignedInteger(new Uint8Array(rsa.publicExponent));
    if (n === undefined || e === undefined) throw unsupportedKey('RSA (negative or empty integer)');
    return { kty: 'RSA', n: base64urlEncode(n), e: base64urlEncode(e) };
  }
  throw unsupportedKey(oid);
}

/**
 * A certificate's signature algorithm. ECDSA names only the hash (RFC 5758 §3.2): the curve
 * is the issuer key's, and any of P-256/384/521 may sign with any of SHA-256/384/512
 * (ISO 18013-5 IACA profiles do), which a JOSE name cannot say.
 */
type CertificateSignatureAlgorithm = { readonly ecdsaHash: HashAlgorithm } | { readonly alg: SignatureAlgorithm };

const ECDSA_HASHES: Record<string, HashAlgorithm> = {
  '1.2.840.10045.4.3.2': 'sha-256',
  '1.2.840.10045.4.3.3': 'sha-384',
  '1.2.840.10045.4.3.4': 'sha-512',
};
const SIGNATURE_ALGORITHMS: Record<string, SignatureAlgorithm> = {
  '1.3.101.112': 'EdDSA',
  '1.2.840.113549.1.1.11': 'RS256',
  '1.2.840.113549.1.1.12': 'RS384',
  '1.2.840.113549.1.1.13': 'RS512',
};
const PSS_HASHES: Record<string, SignatureAlgorithm> = {
  '2.16.840.1.101.3.4.2.1': 'PS256',
  '2.16.840.1.101.3.4.2.2': 'PS384',
  '2.16.840.1.101.3.4.2.3': 'PS512',
};

function signatureAlgorithmOf(id: asn.AlgorithmIdentifier): CertificateSignatureAlgorithm | undefined {
  const ecdsaHash = ECDSA_HASHES[id.algorithm];
  if (ecdsaHash !== undefined) return { ecdsaHash };
  const direct = SIGNATURE_ALGORITHMS[id.algorithm];
  if (direct !== undefined) return { alg: direct };
  if (id.algorithm === '1.2.840.113549.1.1.10' && id.parameters !== undefined && id.parameters !== null) {
    const params = AsnConvert.parse(id.parameters, RsaSaPssParams);
    const alg = PSS_HASHES[params.hashAlgorithm.algorithm];
    // The provider's PSS uses the hash length as salt length, as the RFC 8017 profile does.
    const saltLength = alg === 'PS256' ? 32 : alg === 'PS384' ? 48 : 64;
    return alg !== undefined && params.saltLength === saltLength ? { alg } : undefined;
  }
  return undefined;
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
 * its path length, and every certificate (the anchor too) is valid at `now` and holds no
 * unusable RSA key (the checks of {@link parsePublicJwk}: integers in the fewest octets, an odd
 * modulus of 2048 to 16384 bits, an odd exponent of at least 3 and at most 64 bits).
 *
 * @example
 * ```ts
 * const { anchor } = await validateCertificateChain(chain, { now: new Date(), anchors });
 * ```
 * @throws ComityError `ERR_X509_CHAIN_EMPTY`, `ERR_X509_CHAIN_TOO_LONG`, `ERR_X509_NOT_YET_VALID`, `ERR_X509_EXPIRED`, `ERR_X509_UNKNOWN_CRITICAL_EXTENSION`,
 *   `ERR_X509_UNSUPPORTED_KEY`, `ERR_X509_NOT_CA`, `ERR_X509_KEY_USAGE`, `ERR_X509_PATH_LENGTH`, `ERR_X509_SIGNATURE_INVALID`, `ERR_X509_CHAIN_UNANCHORED`,
 *   `ERR_CRYPTO_UNAVAILABLE`
 * @throws ComityUsageError `ERR_USAGE_DATE` when `now` is not a valid Date
 */
export async function validateCertificateChain(chain: readonly Certificate[], options: ChainValidationOptions): Promise<ValidatedChain> {
  // An Invalid Date compares false both ways: every validity check would pass.
  const time = (options.now as Date | undefined)?.getTime?.();
  if (typeof time !== 'number' || Number.isNaN(time)) throw new ComityUsageError('ERR_USAGE_DATE', 'now must be a valid Date');
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
  // The RSA checks of parsePublicJwk, shared: minimal integers, an odd modulus of 2048 to 16384
  // bits, a usable exponent. Here and not at parse time, where a weak key in a trust list
  // would make the whole list unreadable instead of anchoring nothing.
  const problem = cert.publicJwk.kty === 'RSA' ? certificateRsaKeyProblem(cert.publicJwk) : undefined;
  if (problem !== undefined) throw new ComityError('ERR_X509_UNSUPPORTED_KEY', `certificate ${problem}`, { details: { index, keyAlgorithm: 'RSA' } });
  if (now < cert.notBefore) throw new ComityError('ERR_X509_NOT_YET_VALID', 'certificate is not yet valid', { details: { index, sha256: cert.sha256 } });
  if (now > cert.notAfter) throw new ComityError('ERR_X509_EXPIRED', 'certificate has expired', { details: { index, sha256: cert.sha256 } });
}

function certificateRsaKeyProblem(jwk: Jwk): string | undefined {
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return 'has an RSA key without a modulus or exponent';
  return rsaPublicKeyProblem(base64urlDecode(jwk.n, 'RSA modulus'), base64urlDecode(jwk.e, 'RSA exponent'));
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
    if (!issuedBy(cert, anchor)) continue;
    if (cert.authorityKeyId !== undefined && anchor.subjectKeyId !== undefined && cert.authorityKeyId !== anchor.subjectKeyId) continue;
    if (await signedBy(cert, anchor)) return anchor;
  }
  return undefined;
}

function issuedBy(cert: Certificate, issuer: Certificate): boolean {
  const a = internals.get(cert);
  const b = internals.get(issuer);
  return a !== undefined && b !== undefined ? a.issuerName === b.subjectName : cert.issuer === issuer.subject;
}

/**
 * True if `issuer`'s key verifies `cert`'s signature (cached). ECDSA uses the hash the
 * certificate names over the issuer key's curve, whichever pair of P-256/384/521 and
 * SHA-256/384/512 it is; SHA-1, MD5 and unknown algorithms verify nothing.
 *
 * @throws ComityError `ERR_CRYPTO_UNAVAILABLE` when the runtime has no WebCrypto
 * @see RFC 5758 §3.2
 */
export async function signedBy(cert: Certificate, issuer: Certificate): Promise<boolean> {
  const id = `${issuer.sha256}|${cert.sha256}`;
  const known = signatureChecks.get(id);
  if (known !== undefined) return known;
  const inner = internals.get(cert);
  const named = inner?.signatureAlgorithm;
  let ok = false;
  if (inner !== undefined && named !== undefined) {
    try {
      if ('alg' in named) ok = await defaultCrypto.verify(named.alg, issuer.publicJwk, inner.tbs, inner.signature);
      else ok = await verifyEcdsa(named.ecdsaHash, issuer.publicJwk, inner.tbs, inner.signature);
    } catch (cause) {
      // A runtime without crypto says so and is not remembered as a bad signature.
      if (cause instanceof ComityError && cause.code === 'ERR_CRYPTO_UNAVAILABLE') throw cause;
      ok = false;
    }
  }
  signatureChecks.set(id, ok);
  return ok;
}

// The JOSE algorithm of each curve with its own hash, and the curve's scalar size.
const EC_CURVES: Record<string, { alg: SignatureAlgorithm; hash: HashAlgorithm; size: number }> = {
  'P-256': { alg: 'ES256', hash: 'sha-256', size: 32 },
  'P-384': { alg: 'ES384', hash: 'sha-384', size: 48 },
  'P-521': { alg: 'ES512', hash: 'sha-512', size: 66 },
};
const WEB_HASH: Record<HashAlgorithm, string> = { 'sha-256': 'SHA-256', 'sha-384': 'SHA-384', 'sha-512': 'SHA-512' };
const mixedKeys = new BoundedCache<Promise<CryptoKey>>(256);

/**
 * ECDSA with the certificate's hash over the issuer key's curve. The curve's own hash goes
 * through the crypto provider (cached keys, node:crypto on Node); another hash, which the
 * provider's JOSE names cannot express, goes to WebCrypto, present on every runtime comity
 * supports (Node >= 19, browsers, Deno) and able to pair any curve with any hash.
 */
async function verifyEcdsa(hash: HashAlgorithm, key: Jwk, data: Uint8Array, der: Uint8Array): Promise<boolean> {
  const curve = key.kty === 'EC' && typeof key.crv === 'string' ? EC_CURVES[key.crv] : undefined;
  if (curve === undefined) return false;
  const signature = derToRawEcdsa(der, curve.size);
  if (hash === curve.hash) return defaultCrypto.verify(curve.alg, key, data, signature);
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) throw new ComityError('ERR_CRYPTO_UNAVAILABLE', 'WebCrypto is not available in this runtime');
  const id = `${key.crv}|${key.x}|${key.y}`;
  let imported = mixedKeys.get(id);
  if (imported === undefined) {
    imported = subtle.importKey('jwk', { kty: 'EC', crv: key.crv, x: key.x, y: key.y }, { name: 'ECDSA', namedCurve: key.crv as string }, false, ['verify']);
    mixedKeys.set(id, imported);
    imported.catch(() => mixedKeys.delete(id));
  }
  return subtle.verify({ name: 'ECDSA', hash: WEB_HASH[hash] }, await imported, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
}
