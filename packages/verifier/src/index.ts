/**
 * `@comity/verifier`: the verifier role API. Verify SD-JWT VC and mdoc presentations
 * strictly, with trust decisions and reasons.
 *
 * @module
 */
export * from './detect-format.js';
export type { MdocExpectations, MdocPresentationResult } from './formats/mdoc.js';
export type { SdJwtExpectations } from './formats/sd-jwt.js';
export { credentialStatus, type StatusOutcome, type StatusPolicy } from './status.js';
export * from './verifier.js';
