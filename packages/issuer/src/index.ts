/**
 * `@comity/issuer`: the issuer role API. Issue SD-JWT VC (and mdoc) credentials.
 *
 * @module
 */
export * from './issuer.js';
