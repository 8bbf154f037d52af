/**
 * Certificate creation for test PKIs, examples and demos (issuer CAs, document signers,
 * trust-list signers). Production PKIs issue their certificates elsewhere.
 *
 * @module
 */
import { ECParameters } from '@peculiar/asn1-ecc';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import { defaultCrypto } from './context.js';
import type { SignatureAlgorithm } from './crypto/types.js';
import { base64urlDecode, fromHex, toHex } from './encoding.js';
import { ComityUsageError } from './errors.js';
import { rawToDerEcdsa } from './internal/der.js';
import type { Jwk } from './jwk.js';
import { type Certificate, parseCertificate } from './x509.js';

/** What a certificate should say. */
export interface CertificateTemplate {
  /** Distinguished name, e.g. `C=DE, O=Bundesdruckerei, CN=PID Issuer` (RDNs in this order; `\,` escapes a comma). */
  readonly subject: string;
  /** The subject's public key. */
  readonly publicJwk: Jwk;
  /** The issuing CA; omit for a self-signed certificate (then `signingKey` is the subject's own private key). */
  readonly issuer?: Certificate;
  /** Private JWK of the issuer (or of the subject when self-signed). */
  readonly signingKey: Jwk;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Hex serial number; random when omitted. */
  readonly serialNumber?: string;
  /** Marks a CA certificate (basicConstraints cA, critical). */
  readonly ca?: boolean;
  readonly pathLength?: number;
  /** Key usage flags ({@link KeyUsage}), critical. */
  readonly keyUsage?: number;
  /** Extended key usage OIDs. */
  readonly extKeyUsage?: readonly string[];
  /** subjectAltName entries (non-critical): DNS names and URIs (e.g. an issuer's `iss`). */
  readonly subjectAltName?: { readonly dns?: readonly string[]; readonly uri?: readonly string[] };
  /** Further extensions: OID, criticality and DER-encoded value. */
  readonly extensions?: ReadonlyArray<{ oid: string; critical: boolean; value: Uint8Array }>;
}

const NAME_OIDS: Record<string, string> = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  SN: '2.5.4.4',
  G: '2.5.4.42',
  T: '2.5.4.12',
  DC: '0.9.2342.19200300.100.1.25',
  E: '1.2.840.113549.1.9.1',
  serialNumber: '2.5.4.5',
  organizationIdentifier: '2.5.4.97',
};
const PRINTABLE = new Set(['2.5.4.6', '2.5.4.5']);

function parseName(text: string): asn.Name {
  const rdns: asn.RelativeDistinguishedName[] = [];
  for (const part of text.split(/(?<!\\),\s*/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ComityUsageError('ERR_USAGE_CERTIFICATE_NAME', `name part "${part}" is not TYPE=value`);
    const type = part.slice(0, eq).trim();
    const oid = NAME_OIDS[type] ?? (/^\d+(\.\d+)+$/.test(type) ? type : undefined);
    if (oid === undefined) throw new ComityUsageError('ERR_USAGE_CERTIFICATE_NAME', `unknown name attribute ${type}`);
    const value = part.slice(eq + 1).replace(/\\(.)/g, '$1');
    const attributeValue = PRINTABLE.has(oid) ? new asn.AttributeValue({ printableString: value }) : new asn.AttributeValue({ utf8String: value });
    rdns.push(new asn.RelativeDistinguishedName([new asn.AttributeTypeAndValue({ type: oid, value: attributeValue })]));
  }
  return new asn.Name(rdns);
}

const CURVE_OIDS: Record<string, string> = { 'P-256': '1.2.840.10045.3.1.7', 'P-384': '1.3.132.0.34', 'P-521': '1.3.132.0.35' };

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function spkiOf(jwk: Jwk): asn.SubjectPublicKeyInfo {
  if (jwk.kty === 'EC' && typeof jwk.crv === 'string' && CURVE_OIDS[jwk.crv] !== undefined && jwk.x !== undefined && jwk.y !== undefined) {
    const x = base64urlDecode(jwk.x);
    const y = base64urlDecode(jwk.y);
    const point = new Uint8Array(1 + x.length + y.length);
    point[0] = 4;
    point.set(x, 1);
    point.set(y, 1 + x.length);
    return new asn.SubjectPublicKeyInfo({
      algorithm: new asn.AlgorithmIdentifier({
        algorithm: '1.2.840.10045.2.1',
        parameters: AsnConvert.serialize(new ECParameters({ namedCurve: CURVE_OIDS[jwk.crv] })),
      }),
      subjectPublicKey: buffer(point),
    });
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x !== undefined) {
    return new asn.SubjectPublicKeyInfo({
      algorithm: new asn.AlgorithmIdentifier({ algorithm: '1.3.101.112' }),
      subjectPublicKey: buffer(base64urlDecode(jwk.x)),
    });
  }
  if (jwk.kty === 'RSA' && jwk.n !== undefined && jwk.e !== undefined) {
    const n = base64urlDecode(jwk.n);
    const modulus = (n[0] as number) & 0x80 ? new Uint8Array([0, ...n]) : n;
    const key = AsnConvert.serialize(new RSAPublicKey({ modulus: buffer(modulus), publicExponent: buffer(base64urlDecode(jwk.e)) }));
    return new asn.SubjectPublicKeyInfo({
      algorithm: new asn.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.1', parameters: null }),
      subjectPublicKey: key,
    });
  }
  throw new ComityUsageError('ERR_USAGE_KEY', 'unsupported key type for a certificate');
}

function signatureAlgorithmFor(jwk: Jwk): { alg: SignatureAlgorithm; id: asn.AlgorithmIdentifier } {
  if (jwk.kty === 'EC') {
    const alg: SignatureAlgorithm = jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256';
    const oid = alg === 'ES384' ? '1.2.840.10045.4.3.3' : alg === 'ES512' ? '1.2.840.10045.4.3.4' : '1.2.840.10045.4.3.2';
    return { alg, id: new asn.AlgorithmIdentifier({ algorithm: oid }) };
  }
  if (jwk.kty === 'OKP') return { alg: 'EdDSA', id: new asn.AlgorithmIdentifier({ algorithm: '1.3.101.112' }) };
  if (jwk.kty === 'RSA') return { alg: 'RS256', id: new asn.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null }) };
  throw new ComityUsageError('ERR_USAGE_KEY', 'unsupported key type for a certificate');
}

function extension(oid: string, critical: boolean, value: unknown): asn.Extension {
  return new asn.Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey bits. */
async function keyIdentifier(spki: asn.SubjectPublicKeyInfo): Promise<Uint8Array> {
  return (await defaultCrypto.digest('sha-256', new Uint8Array(spki.subjectPublicKey))).slice(0, 20);
}

/**
 * Creates and signs an X.509 v3 certificate.
 *
 * @example
 * ```ts
 * const root = await createCertificate({ subject: 'C=FR, CN=Test Root', publicJwk, signingKey: privateJwk,
 *   notBefore, notAfter, ca: true, keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign });
 * ```
 * @throws ComityUsageError `ERR_USAGE_KEY`, `ERR_USAGE_CERTIFICATE_NAME`
 */
export async function createCertificate(t: CertificateTemplate): Promise<Certificate> {
  const spki = spkiOf(t.publicJwk);
  const { alg, id } = signatureAlgorithmFor(t.signingKey);
  const extensions: asn.Extension[] = [];
  if (t.ca !== undefined)
    extensions.push(
      extension(
        asn.id_ce_basicConstraints,
        true,
        new asn.BasicConstraints({ cA: t.ca, ...(t.pathLength === undefined ? {} : { pathLenConstraint: t.pathLength }) }),
      ),
    );
  if (t.keyUsage !== undefined) extensions.push(extension(asn.id_ce_keyUsage, true, new asn.KeyUsage(t.keyUsage)));
  if (t.extKeyUsage !== undefined && t.extKeyUsage.length > 0)
    extensions.push(extension(asn.id_ce_extKeyUsage, false, new asn.ExtendedKeyUsage([...t.extKeyUsage])));
  const ski = await keyIdentifier(spki);
  extensions.push(extension(asn.id_ce_subjectKeyIdentifier, false, new asn.SubjectKeyIdentifier(buffer(ski))));
  const authorityKeyId =
    t.issuer === undefined ? ski : t.issuer.subjectKeyId === undefined ? await keyIdentifier(spkiOf(t.issuer.publicJwk)) : fromHex(t.issuer.subjectKeyId);
  extensions.push(
    extension(asn.id_ce_authorityKeyIdentifier, false, new asn.AuthorityKeyIdentifier({ keyIdentifier: new asn.KeyIdentifier(buffer(authorityKeyId)) })),
  );
  const san = [
    ...(t.subjectAltName?.dns ?? []).map((dNSName) => new asn.GeneralName({ dNSName })),
    ...(t.subjectAltName?.uri ?? []).map((uniformResourceIdentifier) => new asn.GeneralName({ uniformResourceIdentifier })),
  ];
  if (san.length > 0) extensions.push(extension(asn.id_ce_subjectAltName, false, new asn.SubjectAlternativeName(san)));
  for (const e of t.extensions ?? []) extensions.push(new asn.Extension({ extnID: e.oid, critical: e.critical, extnValue: new OctetString(buffer(e.value)) }));

  const serial = t.serialNumber ?? `01${toHex(defaultCrypto.randomBytes(15))}`;
  const subject = parseName(t.subject);
  const tbs = new asn.TBSCertificate({
    version: asn.Version.v3,
    serialNumber: buffer(fromHex(serial)),
    signature: id,
    // The issuer name is the issuing certificate's subject exactly as encoded there.
    issuer: t.issuer === undefined ? subject : AsnConvert.parse(t.issuer.der, asn.Certificate).tbsCertificate.subject,
    validity: new asn.Validity({ notBefore: t.notBefore, notAfter: t.notAfter }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new asn.Extensions(extensions),
  });
  const raw = await defaultCrypto.sign(alg, t.signingKey, new Uint8Array(AsnConvert.serialize(tbs)));
  const signature = alg.startsWith('ES') ? rawToDerEcdsa(raw) : raw;
  const cert = new asn.Certificate({ tbsCertificate: tbs, signatureAlgorithm: id, signatureValue: buffer(signature) });
  return parseCertificate(new Uint8Array(AsnConvert.serialize(cert)));
}
