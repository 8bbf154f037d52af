/**
 * `@comity/verifier`: comity verifier role API: verify presentations strictly and decide trust.
 *
 * @module
 */
export {};
