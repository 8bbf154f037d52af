/**
 * `@comity/trust-registry`: Trust sources (LoTE, TL/LOTL, VICAL, X.509, DID), mutual-recognition agreements and explained trust decisions.
 *
 * @module
 */
export {};
