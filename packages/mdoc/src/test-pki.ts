/**
 * Test PKIs with the ISO/IEC 18013-5 Annex B profile: an IACA root and document signers it
 * issues. For examples, demos and tests; production IACAs are run elsewhere.
 *
 * @module
 */
import {
  type Certificate,
  type ComityContext,
  ComityUsageError,
  createCertificate,
  type Jwk,
  KeyUsage,
  localSigner,
  type SignatureAlgorithm,
  type Signer,
} from '@comity/core';
import { EKU_MDL_DOCUMENT_SIGNER } from './document-signer.js';

/** A certificate with its key pair. */
export interface TestCertificate {
  readonly certificate: Certificate;
  readonly privateJwk: Jwk;
  readonly publicJwk: Jwk;
  /** A signer over the private key with the certificate's algorithm. */
  readonly signer: Signer;
}

/** Options of {@link createTestIaca}. */
export interface TestIacaOptions {
  readonly ctx: ComityContext;
  /** ISO 3166-1 alpha-2 country (default `UT`, "Utopia"). */
  readonly country?: string;
  /** ISO 3166-2 subdivision as subject `ST` (e.g. `US-CA`), matched against `issuing_jurisdiction`; none by default. */
  readonly stateOrProvinceName?: string;
  readonly commonName?: string;
  readonly alg?: SignatureAlgorithm;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** IssuerAlternativeName URI (default `https://iaca.<country>.example`), as the ISO profile asks for. */
  readonly issuerAlternativeName?: string;
}

const DAY = 86_400_000;
const OID_ISSUER_ALT_NAME = '2.5.29.18';

/** DER of GeneralNames holding one uniformResourceIdentifier (`[6] IA5String`). */
function issuerAltNameUri(uri: string): Uint8Array {
  const text = new TextEncoder().encode(uri);
  if (text.length > 120 || !/^[\x21-\x7e]+$/.test(uri)) throw new ComityUsageError('ERR_USAGE_CERTIFICATE', 'issuerAlternativeName must be a short ASCII URI');
  return Uint8Array.of(0x30, text.length + 2, 0x86, text.length, ...text);
}

/** The `ST=...` name part, or nothing; the value is the caller's, so a separator in it is refused. */
function stateOf(state: string | undefined): string {
  if (state === undefined) return '';
  if (state.length === 0 || /[,\\=]/.test(state)) throw new ComityUsageError('ERR_USAGE_CERTIFICATE', 'stateOrProvinceName must be a plain subdivision code');
  return `ST=${state}, `;
}

/**
 * Creates a self-signed IACA root: CA with path length 0, keyUsage keyCertSign and cRLSign,
 * an IssuerAlternativeName URI.
 *
 * @example
 * ```ts
 * const iaca = await createTestIaca({ ctx, country: 'DE' });
 * ```
 * @see ISO/IEC 18013-5:2021 Annex B.1.2
 */
export async function createTestIaca(options: TestIacaOptions): Promise<TestCertificate> {
  const { ctx } = options;
  const alg = options.alg ?? 'ES256';
  const { privateJwk, publicJwk } = await ctx.crypto.generateKeyPair(alg);
  const now = ctx.now();
  const country = options.country ?? 'UT';
  const certificate = await createCertificate({
    subject: `C=${country}, ${stateOf(options.stateOrProvinceName)}CN=${options.commonName ?? `Test IACA ${country}`}`,
    publicJwk,
    signingKey: privateJwk,
    notBefore: options.notBefore ?? new Date(now.getTime() - DAY),
    notAfter: options.notAfter ?? new Date(now.getTime() + 3650 * DAY),
    ca: true,
    pathLength: 0,
    keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign,
    extensions: [
      { oid: OID_ISSUER_ALT_NAME, critical: false, value: issuerAltNameUri(options.issuerAlternativeName ?? `https://iaca.${country.toLowerCase()}.example`) },
    ],
  });
  return { certificate, privateJwk, publicJwk, signer: localSigner(privateJwk, alg, ctx.crypto) };
}

/** Options of {@link createTestDocumentSigner}. */
export interface TestDocumentSignerOptions extends TestIacaOptions {
  /** The issuing IACA (from {@link createTestIaca}). */
  readonly iaca: TestCertificate;
  /** Extended key usage (default the mDL document signer EKU `1.0.18013.5.1.2`). */
  readonly extKeyUsage?: readonly string[];
}

/**
 * Creates a document signer certificate issued by an IACA: no CA, keyUsage digitalSignature,
 * EKU `1.0.18013.5.1.2`, the IACA's IssuerAlternativeName, the IACA's country and `ST` unless others are given.
 *
 * @example
 * ```ts
 * const ds = await createTestDocumentSigner({ ctx, iaca });
 * const issuerSigned = await issueMdoc({ ..., signer: ds.signer, certificateChain: [ds.certificate] });
 * ```
 * @see ISO/IEC 18013-5:2021 Annex B.1.4
 */
export async function createTestDocumentSigner(options: TestDocumentSignerOptions): Promise<TestCertificate> {
  const { ctx, iaca } = options;
  const alg = options.alg ?? 'ES256';
  const { privateJwk, publicJwk } = await ctx.crypto.generateKeyPair(alg);
  const now = ctx.now();
  const country = options.country ?? iaca.certificate.subjectAttributes.C?.[0] ?? 'UT';
  const state = options.stateOrProvinceName ?? iaca.certificate.subjectAttributes.ST?.[0];
  const certificate = await createCertificate({
    subject: `C=${country}, ${stateOf(state)}CN=${options.commonName ?? `Test Document Signer ${country}`}`,
    publicJwk,
    issuer: iaca.certificate,
    signingKey: iaca.privateJwk,
    notBefore: options.notBefore ?? new Date(now.getTime() - DAY),
    notAfter: options.notAfter ?? new Date(now.getTime() + 365 * DAY),
    keyUsage: KeyUsage.digitalSignature,
    extKeyUsage: options.extKeyUsage ?? [EKU_MDL_DOCUMENT_SIGNER],
    extensions: [
      { oid: OID_ISSUER_ALT_NAME, critical: false, value: issuerAltNameUri(options.issuerAlternativeName ?? `https://iaca.${country.toLowerCase()}.example`) },
    ],
  });
  return { certificate, privateJwk, publicJwk, signer: localSigner(privateJwk, alg, ctx.crypto) };
}
