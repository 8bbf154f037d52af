/**
 * `@comity/sd-jwt-vc`: RFC 9901 SD-JWT and SD-JWT VC issue, present and verify primitives.
 *
 * @module
 */
export * from './issuer-key/index.js';
export * from './type-metadata/index.js';
