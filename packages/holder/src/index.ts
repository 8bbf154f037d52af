/**
 * `@comity/holder`: the holder (wallet) role API. Receive, select with consent, present, log.
 *
 * @module
 */
export * from './wallet.js';
