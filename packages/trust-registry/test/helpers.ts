import { type Certificate, ComityError, createCertificate, defaultCrypto, type Jwk, KeyUsage, localSigner, type Signer } from '@comity/core';
import {
  type AgreementList,
  createLoTE,
  type LoTEEntityInput,
  loadLoTE,
  type RecognitionAgreement,
  type RecognitionScope,
  signAgreementList,
  signLoTE,
  type TrustSource,
  type VerifiedAgreementList,
  verifyAgreementList,
} from '../src/index.js';

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

/**
 * The EU PID providers LoTE signed by `seal` and loaded as source `eu-pid` (LoA high): sequence 3,
 * issued a day before NOW, valid 100 days, listing `entities` (default: German PID provider BD
 * with the CA `ca`).
 */
export async function pidListSource(
  seal: KeyedCert,
  ca: KeyedCert,
  over: { sequence?: number; issued?: Date; entities?: LoTEEntityInput[] } = {},
): Promise<TrustSource> {
  return loadLoTE(await signLoTE(pidLoTE(ca, over), seal.signer, [seal.cert]), [seal.cert], { id: 'eu-pid', loa: 'high' });
}

/** The unsigned EU PID providers LoTE of {@link pidListSource}; `nextUpdate` 100 days after NOW unless given. */
export function pidLoTE(ca: KeyedCert, over: { sequence?: number; issued?: Date; nextUpdate?: Date; entities?: LoTEEntityInput[] } = {}) {
  return createLoTE({
    sequence: over.sequence ?? 3,
    type: PID_LIST,
    operator: 'EC',
    territory: 'EU',
    issued: over.issued ?? new Date(NOW.getTime() - DAY),
    nextUpdate: over.nextUpdate ?? new Date(NOW.getTime() + 100 * DAY),
    entities: over.entities ?? [{ name: 'BD', country: 'DE', serviceType: PID_ISSUANCE, certificates: [ca.cert] }],
  });
}

/** `list` signed by `registrar` and verified with its certificate. */
export async function signedAgreementList(list: AgreementList, registrar: KeyedCert): Promise<VerifiedAgreementList> {
  return verifyAgreementList(await signAgreementList(list, registrar.signer, [registrar.cert]), [registrar.cert]);
}

/** FR's agreement recognising German PIDs (SD-JWT VC, category pid), valid from 30 days before NOW to 300 after; `scope` and `over` amend it. */
export function pidAgreement(scope: Partial<RecognitionScope> = {}, over: Partial<RecognitionAgreement> = {}): RecognitionAgreement {
  const iso = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
  return {
    id: 'ra:FR<-DE:pid',
    version: '1.0.0',
    sequence: 1,
    recogniser: { jurisdiction: 'FR' },
    recognised: { jurisdiction: 'DE' },
    scopes: [{ format: 'dc+sd-jwt', types: ['urn:eudi:pid:de:1'], category: 'pid', ...scope }],
    validity: { notBefore: iso(-30 * DAY), notAfter: iso(300 * DAY) },
    status: { state: 'active' },
    ...over,
  };
}
