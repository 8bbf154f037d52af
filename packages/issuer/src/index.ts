/**
 * `@comity/issuer`: comity issuer role API: issue SD-JWT VC and mdoc credentials.
 *
 * @module
 */
export {};
