/**
 * Test data shared by the role tests: a real two-level X.509 PKI for SD-JWT VC issuers,
 * self-signed certificates, and the outcome of a call as a stable code.
 */
import { type Certificate, ComityError, ComityUsageError, createCertificate, createContext, type Jwk, KeyUsage } from '@comity/core';

const ctx = createContext();
const day = 86_400_000;

/** A root CA and a PID provider leaf under it (no subjectAltName), with the leaf's keys. */
export async function issuerPki(): Promise<{ root: Certificate; leaf: Certificate; leafKeys: { privateJwk: Jwk; publicJwk: Jwk } }> {
  const rootKeys = await ctx.crypto.generateKeyPair('ES256');
  const leafKeys = await ctx.crypto.generateKeyPair('ES256');
  const now = Date.now();
  const root = await createCertificate({
    subject: 'C=DE, O=Test PID CA, CN=Test PID Root',
    publicJwk: rootKeys.publicJwk,
    signingKey: rootKeys.privateJwk,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 3650 * day),
    ca: true,
    keyUsage: KeyUsage.keyCertSign,
  });
  const leaf = await createCertificate({
    subject: 'C=DE, O=Test PID Provider, CN=pid.example.de',
    publicJwk: leafKeys.publicJwk,
    issuer: root,
    signingKey: rootKeys.privateJwk,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 365 * day),
    keyUsage: KeyUsage.digitalSignature,
  });
  return { root, leaf, leafKeys };
}

/** A self-signed certificate for `keys`, valid from yesterday for 30 days: a CA (keyCertSign) or an end entity. */
export function selfSignedCertificate(keys: { privateJwk: Jwk; publicJwk: Jwk }, subject: string, ca = false): Promise<Certificate> {
  const now = Date.now();
  return createCertificate({
    subject,
    publicJwk: keys.publicJwk,
    signingKey: keys.privateJwk,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 30 * day),
    ...(ca ? { ca: true, keyUsage: KeyUsage.keyCertSign } : { keyUsage: KeyUsage.digitalSignature }),
  });
}

/** The outcome of `call`: `NO_ERROR`, a ComityError's code, `usage:` and a usage error's code, or `other: ` and the error's name. */
export async function codeOf(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'NO_ERROR';
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    if (e instanceof ComityUsageError) return `usage:${e.code}`;
    return `other: ${e instanceof Error ? e.name : typeof e}`;
  }
}
