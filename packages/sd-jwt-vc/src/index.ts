/**
 * `@comity/sd-jwt-vc`: RFC 9901 SD-JWT and SD-JWT VC issue, present and verify primitives.
 *
 * @module
 */
export { isClaimPath, pathMatches } from './claim-path.js';
export * from './decode.js';
export { SD_JWT_VC_TYPES, typMatches } from './internal/typ.js';
export * from './issue.js';
export * from './issuer-key/index.js';
export * from './json-serialization.js';
export { type CopyJsonOptions, copyJsonValue, MAX_CLAIM_DEPTH } from './json-values.js';
export * from './key-binding.js';
export * from './parse.js';
export * from './present.js';
export * from './type-metadata/index.js';
export * from './verify.js';
