/**
 * `@comity/core`: the base every comity package builds on. Encoding, the crypto provider,
 * JWK and JWS, X.509 chains, the error model, and the injected clock and fetch.
 *
 * @module
 */

export * from './cbor.js';
export * from './context.js';
export * from './cose.js';
export * from './crypto/cose-algorithms.js';
export * from './crypto/types.js';
export * from './encoding.js';
export * from './errors.js';
export * from './fetch.js';
export * from './host-scope.js';
export * from './jwk.js';
export * from './jws.js';
export * from './result.js';
export * from './signer.js';
export * from './x509.js';
export * from './x509-create.js';
