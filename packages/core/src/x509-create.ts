/**
 * Certificate creation for test PKIs, examples and demos (issuer CAs, document signers,
 * trust-list signers). Production PKIs issue their certificates elsewhere.
 *
 * @module
 */
import * as px from '@peculiar/x509';
import { toHex } from './encoding.js';
import { ComityUsageError } from './errors.js';
import type { Jwk } from './jwk.js';
import { type Certificate, parseCertificate } from './x509.js';

/** What a certificate should say. */
export interface CertificateTemplate {
  /** Distinguished name, e.g. `C=DE, O=Bundesdruckerei, CN=PID Issuer`. */
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
  /** Further extensions: OID, criticality and DER-encoded value. */
  readonly extensions?: ReadonlyArray<{ oid: string; critical: boolean; value: Uint8Array }>;
}

function algorithmsFor(jwk: Jwk): { key: EcKeyImportParams | Algorithm | RsaHashedImportParams; sign: Algorithm | EcdsaParams } {
  if (jwk.kty === 'EC') {
    const hash = jwk.crv === 'P-384' ? 'SHA-384' : jwk.crv === 'P-521' ? 'SHA-512' : 'SHA-256';
    return { key: { name: 'ECDSA', namedCurve: jwk.crv as string }, sign: { name: 'ECDSA', hash } as EcdsaParams };
  }
  if (jwk.kty === 'OKP') return { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } };
  if (jwk.kty === 'RSA')
    return { key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as RsaHashedImportParams, sign: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm };
  throw new ComityUsageError('ERR_USAGE_KEY', 'unsupported key type for a certificate');
}

async function importJwk(jwk: Jwk, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  const { kty, crv, x, y, d, n, e, p, q, dp, dq, qi } = jwk;
  const material = usage === 'verify' ? { kty, crv, x, y, n, e } : { kty, crv, x, y, d, n, e, p, q, dp, dq, qi };
  return globalThis.crypto.subtle.importKey('jwk', material as JsonWebKey, algorithmsFor(jwk).key, true, [usage]);
}

/**
 * Creates and signs an X.509 certificate.
 *
 * @example
 * ```ts
 * const root = await createCertificate({ subject: 'C=FR, CN=Test Root', publicJwk, signingKey: privateJwk,
 *   notBefore, notAfter, ca: true, keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign });
 * ```
 */
export async function createCertificate(t: CertificateTemplate): Promise<Certificate> {
  const publicKey = await importJwk(t.publicJwk, 'verify');
  const signingKey = await importJwk(t.signingKey, 'sign');
  const extensions: px.Extension[] = [];
  if (t.ca !== undefined) extensions.push(new px.BasicConstraintsExtension(t.ca, t.pathLength, true));
  if (t.keyUsage !== undefined) extensions.push(new px.KeyUsagesExtension(t.keyUsage, true));
  if (t.extKeyUsage !== undefined && t.extKeyUsage.length > 0) extensions.push(new px.ExtendedKeyUsageExtension([...t.extKeyUsage], false));
  extensions.push(await px.SubjectKeyIdentifierExtension.create(publicKey));
  if (t.issuer !== undefined) {
    extensions.push(await px.AuthorityKeyIdentifierExtension.create(await importJwk(t.issuer.publicJwk, 'verify')));
  } else {
    extensions.push(await px.AuthorityKeyIdentifierExtension.create(publicKey));
  }
  for (const e of t.extensions ?? []) extensions.push(new px.Extension(e.oid, e.critical, e.value as Uint8Array<ArrayBuffer>));
  const serial = t.serialNumber ?? `01${toHex(globalThis.crypto.getRandomValues(new Uint8Array(15)))}`;
  const cert = await px.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: t.subject,
    issuer: t.issuer?.subject ?? t.subject,
    notBefore: t.notBefore,
    notAfter: t.notAfter,
    signingAlgorithm: algorithmsFor(t.signingKey).sign,
    publicKey,
    signingKey,
    extensions,
  });
  return parseCertificate(new Uint8Array(cert.rawData));
}
