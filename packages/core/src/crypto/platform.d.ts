import type { CryptoProvider } from './types.js';
/** The provider this runtime gets by default: node:crypto on Node, WebCrypto elsewhere. */
export declare const platformCrypto: CryptoProvider;
