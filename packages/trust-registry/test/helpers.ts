import { type Certificate, ComityError, createCertificate, defaultCrypto, type Jwk, KeyUsage, localSigner, type Signer } from '@comity/core';

export const NOW = new Date('2026-11-26T12:00:00Z');
const DAY = 86_400_000;
export const NOT_BEFORE = new Date(NOW.getTime() - 365 * DAY);
export const NOT_AFTER = new Date(NOW.getTime() + 2 * 365 * DAY);

export interface KeyedCert {
  readonly cert: Certificate;
  readonly privateJwk: Jwk;
  readonly signer: Signer;
}

export async function makeCa(subject: string, issuer?: KeyedCert): Promise<KeyedCert> {
  const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
  const cert = await createCertificate({
    subject,
    publicJwk,
    issuer: issuer?.cert,
    signingKey: issuer?.privateJwk ?? privateJwk,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    ca: true,
    pathLength: 1,
    keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign,
  });
  return { cert, privateJwk, signer: localSigner(privateJwk, 'ES256', defaultCrypto) };
}

export async function makeLeaf(subject: string, issuer: KeyedCert): Promise<KeyedCert> {
  const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
  const cert = await createCertificate({
    subject,
    publicJwk,
    issuer: issuer.cert,
    signingKey: issuer.privateJwk,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    keyUsage: KeyUsage.digitalSignature,
  });
  return { cert, privateJwk, signer: localSigner(privateJwk, 'ES256', defaultCrypto) };
}

export async function makeSigner(subject: string): Promise<KeyedCert> {
  const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
  const cert = await createCertificate({
    subject,
    publicJwk,
    signingKey: privateJwk,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    keyUsage: KeyUsage.digitalSignature,
  });
  return { cert, privateJwk, signer: localSigner(privateJwk, 'ES256', defaultCrypto) };
}

export const PID_ISSUANCE = 'http://uri.etsi.org/19602/SvcType/PID/Issuance';
export const PID_LIST = 'http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList';
export const WRPAC_ISSUANCE = 'http://uri.etsi.org/19602/SvcType/WRPAC/Issuance';
export const WRPAC_LIST = 'http://uri.etsi.org/19602/LoTEType/EUWRPACProvidersList';

/** The ComityError code a promise rejects with, or `NO_ERROR`; any other error fails the test. */
export async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

/** The result of the check `code` in a trust decision (undefined when the decision has no such check). */
export const result = (d: { checks: readonly { code: string; result: string }[] }, code: string) => d.checks.find((c) => c.code === code)?.result;
