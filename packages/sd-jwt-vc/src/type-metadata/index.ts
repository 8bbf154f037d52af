/**
 * SD-JWT VC Type Metadata: resolution, `#integrity` checks, `extends` chains and claim validation.
 *
 * @module
 */
export {};
