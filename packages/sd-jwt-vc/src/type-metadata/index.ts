/**
 * SD-JWT VC Type Metadata: resolution, `#integrity` checks, `extends` chains and claim validation.
 *
 * @module
 */
export { type TypeMetadataCheckInput, type TypeMetadataCheckOptions, typeMetadataCheck } from './check.js';
export { checkIntegrity } from './integrity.js';
export { type ResolveTypeMetadataOptions, resolveTypeMetadata, type TypeMetadataRegistry } from './resolve.js';
export type { ClaimDisplay, ClaimMetadata, ClaimSdRule, TypeDisplay, TypeMetadata } from './types.js';
export { type TypeMetadataValidationInput, validateClaimsWithTypeMetadata } from './validate.js';
