/**
 * `@comity/trust-registry`: trust sources (ETSI TS 119 602 LoTE, TS 119 612 TL/LOTL, ISO 18013-5
 * VICAL, X.509 bundles, JWKS), signed mutual-recognition agreements and explained, offline
 * trust decisions. Three layers kept apart: anchoring, recognition, acceptance rules.
 *
 * @module
 */
export { AGREEMENT_LIST_TYP, parseAgreement, parseAgreementList, signAgreementList, type VerifiedAgreementList, verifyAgreementList } from './agreements.js';
export { checkCertLogic, evaluateCertLogic } from './certlogic.js';
export { loadTrustConfig, type TrustConfigContext, type TrustConfigFile, type TrustConfigSource, trustListAsRegistry } from './config.js';
export { type EvaluateTrustOptions, evaluateTrust, summariseDecision } from './evaluate.js';
export { inspectTrustFile, type TrustFileInfo } from './inspect.js';
export { type MappingOutcome, mapClaims, normaliseDate } from './mapping.js';
export { categoryOfLoteType, categoryOfServiceType, LIST_SIGNATURE_ALGORITHMS, loadLoTE, parseLoTE, type SourceOptions } from './parse-lote.js';
export { loadLoTEXml, parseLoTEXml } from './parse-lote-xml.js';
export {
  categoryOfTlServiceType,
  type ListedService,
  type LotlResult,
  loadListOfTheLists,
  loadTrustedList,
  type ParsedTrustedList,
  parseTrustedList,
} from './parse-trusted-list.js';
export { loadVical, parseVical } from './parse-vical.js';
export { type AnchorResult, anchorCertificate, type CompiledAgreement, type SourceFailure, TrustRegistry, type TrustRegistryOptions } from './registry.js';
export { authenticateRelyingParty, type RelyingPartyAuthentication } from './relying-party.js';
export { createLoTE, type LoTEEntityInput, type LoTEInput, signLoTE } from './sign-lote.js';
export { signVical, type VicalInput } from './sign-vical.js';
export { jwksAnchorSource, type LocalSourceOptions, x509AnchorSource } from './sources.js';
export { statusAtIndex, type VerifiedStatusList, verifyStatusListJwt } from './status.js';
export { createTestListOfTheLists, createTestTrustedList, signTestTrustedList, type TestListPointer, type TestTrustedListOptions } from './test-lists.js';
export * from './types.js';
