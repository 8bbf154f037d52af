/**
 * `@comity/mdoc`: ISO/IEC 18013-5 mdoc: IssuerSigned, MSO, DeviceResponse, SessionTranscript and COSE.
 *
 * @module
 */
export {
  type CoseMac0,
  type CoseSign1,
  decodeCoseMac0,
  decodeCoseSign1,
  type SignCoseSign1Input,
  signCoseSign1,
  type VerifyCoseSign1Options,
  verifyCoseSign1,
} from './cose.js';
export { checkDocumentSignerChain, type DocumentSignerChain, type DocumentSignerChainOptions, EKU_MDL_DOCUMENT_SIGNER } from './document-signer.js';
export { inspectMdoc } from './inspect.js';
export type { CborKey, CborMap, CborValue } from './internal/cbor.js';
export { CborFloat, DataItem, Tagged } from './internal/cbor.js';
export { type IssueMdocInput, issueMdoc, type MsoDigestAlgorithm } from './issue.js';
export { type IssuerSigned, type IssuerSignedItem, type MobileSecurityObject, parseIssuerSigned, parseMso } from './parse-issuer-signed.js';
export { type DeviceAuthInput, type PresentDocumentInput, type PresentMdocInput, presentMdoc } from './present.js';
export {
  buildSessionTranscript,
  type HandoverInput,
  type Iso180137AnnexBHandoverInput,
  type Iso180137AnnexCHandoverInput,
  normalizeSessionTranscript,
  type OpenId4VpDcApiHandoverInput,
  type OpenId4VpHandoverInput,
  type RawSessionTranscriptInput,
  sessionTranscriptBytes,
} from './session-transcript.js';
export { createTestDocumentSigner, createTestIaca, type TestCertificate, type TestDocumentSignerOptions, type TestIacaOptions } from './test-pki.js';
export { FullDate, formatTdate, type ParsedTdate, readTdate, toJsonValue } from './values.js';
export {
  type MdocClaims,
  type MdocDocumentError,
  type MdocElementError,
  type MdocVerificationResult,
  type VerifyDeviceResponseOptions,
  type VerifyIssuerSignedOptions,
  verifyDeviceResponse,
  verifyDeviceResponseOrThrow,
  verifyIssuerSigned,
  x5chainCertificatesOf,
} from './verify.js';
